/*
 * Reading an ONNX file. The file is memory mapped and handed to protobuf-c,
 * which copies what it unpacks; the mapping is released right after. While
 * unpacking, the pages of the file already copied are dropped from the
 * process before each large allocation (a weight tensor about to be copied),
 * so the peak stays near one copy of the file plus the largest tensor, rather
 * than two copies. Pages dropped are read again from the page cache if
 * protobuf-c looks at them again; the mapping is read-only, so nothing is lost.
 */
#define _DEFAULT_SOURCE /* madvise */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "onnx_load.h"

/* Allocations this large are tensors' data; smaller ones are the message's structure. */
#define LARGE_ALLOCATION ((size_t)1 << 20)

typedef struct mapped_file {
    void *data;
    size_t size;
} mapped_file;

static void *unpack_alloc(void *allocator_data, size_t size)
{
    const mapped_file *file = allocator_data;
#ifdef MADV_DONTNEED
    if (file && file->data && size >= LARGE_ALLOCATION)
        madvise(file->data, file->size, MADV_DONTNEED);
#else
    (void)file;
#endif
    return malloc(size ? size : 1);
}

static void unpack_free(void *allocator_data, void *pointer)
{
    (void)allocator_data;
    free(pointer);
}

static int find_opset(const Onnx__ModelProto *m, const char *source, int64_t *opset, fcn_error *err)
{
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = m->opset_import[i];
        const char *domain = o->domain ? o->domain : "";
        if (*domain && strcmp(domain, "ai.onnx") != 0)
            continue;
        if (!o->has_version || o->version < ONNX_OPSET_MIN || o->version > ONNX_OPSET_MAX)
            return fcn_fail(err, "%s: opset %lld of the default ONNX domain is not supported (%d to %d)", source,
                            o->has_version ? (long long)o->version : 0LL, ONNX_OPSET_MIN, ONNX_OPSET_MAX);
        *opset = o->version;
        return 0;
    }
    return fcn_fail(err, "%s: the model imports no opset of the default ONNX domain", source);
}

static int unpack(const void *data, size_t size, const char *source, mapped_file *file, onnx_model *out,
                  fcn_error *err)
{
    memset(out, 0, sizeof *out);
    if (size == 0)
        return fcn_fail(err, "%s: empty file, not an ONNX model", source);
    if (!data)
        return fcn_fail(err, "%s: no data (NULL) for %zu bytes", source, size);
    if (size > ONNX_MAX_FILE_SIZE)
        return fcn_fail(err, "%s: %zu bytes, more than the %zu a protobuf message can hold; store the weights as "
                        "external data", source, size, ONNX_MAX_FILE_SIZE);
    if (onnx_check_wire(data, size, source, err))
        return -1;
    ProtobufCAllocator allocator = {unpack_alloc, unpack_free, file};
    Onnx__ModelProto *m = onnx__model_proto__unpack(&allocator, size, data);
    if (!m)
        return fcn_fail(err, "%s: not an ONNX model, or a truncated or corrupt one (protobuf decoding failed)",
                        source);
    /* Everything was allocated with malloc, so the default allocator's free releases it. */
    out->proto = m;
    if (!m->graph && !m->has_ir_version && m->n_opset_import == 0) {
        onnx_model_release(out);
        return fcn_fail(err, "%s: not an ONNX model (no ir_version, opset_import or graph)", source);
    }
    if (!m->graph) {
        onnx_model_release(out);
        return fcn_fail(err, "%s: the model has no graph", source);
    }
    if (find_opset(m, source, &out->opset, err)) {
        onnx_model_release(out);
        return -1;
    }
    return 0;
}

int onnx_model_unpack(const void *data, size_t size, const char *source, onnx_model *out, fcn_error *err)
{
    return unpack(data, size, source, NULL, out, err);
}

void onnx_model_release(onnx_model *model)
{
    if (model->proto)
        onnx__model_proto__free_unpacked(model->proto, NULL);
    model->proto = NULL;
}

static int not_a_model(const char *path, fcn_error *err)
{
    return fcn_fail(err, "%s: not an ONNX model (its first bytes are no field of a model)", path);
}

/*
 * Pipes and other files without a size: read them whole, but stop at once
 * when they do not start like a model (/dev/zero) and at ONNX_MAX_FILE_SIZE
 * (an endless pipe), rather than until memory runs out.
 */
static int load_stream(int fd, const char *path, onnx_model *out, fcn_error *err)
{
    size_t size = 0, capacity = 1 << 16;
    unsigned char *buffer = malloc(capacity);
    for (;;) {
        if (!buffer)
            return fcn_fail(err, "%s: out of memory reading the file", path);
        ssize_t got = read(fd, buffer + size, capacity - size);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buffer);
            return fcn_fail(err, "%s: cannot read: %s", path, strerror(e));
        }
        if (got == 0)
            break;
        if (size < 16 && size + (size_t)got >= 16 && !onnx_starts_like_model(buffer, size + (size_t)got)) {
            free(buffer);
            return not_a_model(path, err);
        }
        size += (size_t)got;
        if (size > ONNX_MAX_FILE_SIZE) {
            free(buffer);
            return fcn_fail(err, "%s: more than %zu bytes, the most a protobuf message can hold; refused", path,
                            ONNX_MAX_FILE_SIZE);
        }
        if (size == capacity) {
            unsigned char *bigger = realloc(buffer, capacity * 2);
            if (!bigger)
                free(buffer);
            buffer = bigger;
            capacity *= 2;
        }
    }
    int rc = size && !onnx_starts_like_model(buffer, size) ? not_a_model(path, err)
                                                           : unpack(buffer, size, path, NULL, out, err);
    free(buffer);
    return rc;
}

int onnx_model_load(const char *path, onnx_model *out, fcn_error *err)
{
    memset(out, 0, sizeof *out);
    if (!path)
        return fcn_fail(err, "no ONNX file given");
    if (strcmp(path, "-") == 0)
        return load_stream(STDIN_FILENO, "standard input", out, err);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return fcn_fail(err, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    int rc;
    if (fstat(fd, &st) != 0) {
        rc = fcn_fail(err, "%s: cannot read: %s", path, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        rc = fcn_fail(err, "%s: is a directory, not an ONNX file", path);
    } else if (!S_ISREG(st.st_mode)) {
        rc = load_stream(fd, path, out, err);
    } else if (st.st_size == 0) {
        rc = unpack(NULL, 0, path, NULL, out, err);
    } else {
        mapped_file file = {NULL, (size_t)st.st_size};
        file.data = mmap(NULL, file.size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (file.data == MAP_FAILED) {
            rc = load_stream(fd, path, out, err);
        } else {
            rc = unpack(file.data, file.size, path, &file, out, err);
            munmap(file.data, file.size);
        }
    }
    close(fd);
    return rc;
}
