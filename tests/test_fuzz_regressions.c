/*
 * Every fuzzing seed and every input a fuzzer once crashed on, through the
 * same checks as the fuzzers (fuzz/fuzz_checks.h): no crash, and a rejected
 * input leaves one non-empty line in fcn_error; an accepted one evaluates,
 * reports and round-trips. So gcc, ASan and valgrind builds replay them too.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/fuzz_checks.h"
#include "check.h"

/* A whole file into memory; NULL if it cannot be read. */
static unsigned char *read_bytes(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    size_t capacity = 4096, length = 0;
    unsigned char *data = malloc(capacity);
    size_t n;
    while (data && (n = fread(data + length, 1, capacity - length, file)) > 0) {
        length += n;
        if (length == capacity) {
            unsigned char *bigger = realloc(data, capacity *= 2);
            if (!bigger)
                free(data);
            data = bigger;
        }
    }
    fclose(file);
    *size = length;
    return data;
}

static int replay_config(const char *path, char *why)
{
    size_t size = 0;
    unsigned char *data = read_bytes(path, &size);
    if (!data)
        return fuzz_broken(why, "cannot read %s", path);
    int rc = fuzz_config_input(data, size, why);
    free(data);
    return rc;
}

/* The path entry point must agree with the buffer one: same verdict, same configuration. */
static int compare_onnx_path(const char *path, const unsigned char *data, size_t size, char *why)
{
    fcn_error from_buffer = {{0}}, from_path = {{0}};
    fcn_network *a = fcn_onnx_parse_buffer(data, size, path, NULL, &from_buffer);
    fcn_network *b = fcn_onnx_parse(path, NULL, &from_path);
    char *text_a = a ? fcn_network_write_string(a, NULL) : NULL;
    char *text_b = b ? fcn_network_write_string(b, NULL) : NULL;
    int rc = 0;
    if (!a != !b)
        rc = fuzz_broken(why, "fcn_onnx_parse %s what fcn_onnx_parse_buffer %s", b ? "accepts" : "rejects",
                         a ? "accepts" : "rejects");
    else if (!a && strcmp(from_buffer.message, from_path.message) != 0)
        rc = fuzz_broken(why, "fcn_onnx_parse says \"%s\", fcn_onnx_parse_buffer \"%s\"", from_path.message,
                         from_buffer.message);
    else if (a && (!text_a || !text_b || strcmp(text_a, text_b) != 0))
        rc = fuzz_broken(why, "fcn_onnx_parse and fcn_onnx_parse_buffer give different configurations");
    free(text_a);
    free(text_b);
    fcn_network_free(a);
    fcn_network_free(b);
    return rc;
}

static int replay_onnx(const char *path, char *why)
{
    size_t size = 0;
    unsigned char *data = read_bytes(path, &size);
    if (!data)
        return fuzz_broken(why, "cannot read %s", path);
    int rc = fuzz_onnx_input(data, size, path, why);
    if (rc == 0)
        rc = compare_onnx_path(path, data, size, why);
    free(data);
    return rc;
}

typedef struct target {
    const char *name; /* the fuzzer's name: fuzz/corpus/NAME, fuzz/regressions/NAME */
    int (*replay)(const char *path, char *why);
} target;

static const target targets[] = {
    {"config", replay_config},
    {"platform", fuzz_platform_file},
    {"onnx", replay_onnx},
};

/* Replays every regular file of a directory (which may be absent or empty); returns how many. */
static int replay_directory(const char *dir, const target *t)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int count = 0;
    const struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        if (entry->d_name[0] == '.')
            continue; /* ".", "..", and hidden files such as .gitkeep */
        char path[1024], why[FUZZ_WHY_SIZE];
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        check_count++;
        if (t->replay(path, why)) {
            check_failures++;
            fprintf(stderr, "%s: %s\n", path, why);
        }
        count++;
    }
    closedir(d);
    return count;
}

/*
 * Found by fuzz_onnx: a tensor name that is not UTF-8 reached the writer,
 * which JSON cannot hold; the writer says so (it said "out of memory").
 */
static void check_writer_refuses_non_utf8(void)
{
    static const char config[] = "{\"partition\": [{\"layers\": [{\"name\": \"fc\", \"type\": \"INNER_PRODUCT\","
                                 " \"parameters\": {\"rows_in\": 1, \"cols_in\": 1, \"channels_in\": 4,"
                                 " \"filters\": 2}}]}]}";
    fcn_error err = {{0}};
    fcn_network *net = fcn_network_read_string(config, "utf8", &err);
    CHECK(net != NULL);
    if (!net)
        return;
    static const char *const fields[] = {"name", "weights_path", "bias_path"};
    for (int i = 0; i < 3; i++) {
        fcn_layer *l = &net->partitions[0].layers[0];
        char **field = i == 0 ? &l->name : i == 1 ? &l->weights_path : &l->bias_path;
        char *kept = *field;
        char bad[] = "w\xff";
        *field = bad;
        char *text = fcn_network_write_string(net, &err);
        *field = kept;
        CHECK(text == NULL);
        free(text);
        char expected[128];
        snprintf(expected, sizeof expected, "partition 0, layer 0: its %s is not valid UTF-8", fields[i]);
        CHECK_MESSAGE(err.message, expected);
    }
    free(net->partitions[0].input_node);
    net->partitions[0].input_node = malloc(3);
    if (net->partitions[0].input_node)
        memcpy(net->partitions[0].input_node, "\xc3(", 3);
    CHECK(fcn_network_write_string(net, &err) == NULL);
    CHECK_MESSAGE(err.message, "partition 0: its input_node is not valid UTF-8");
    fcn_network_free(net);
}

int main(void)
{
    check_writer_refuses_non_utf8();
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        char dir[256];
        snprintf(dir, sizeof dir, "../fuzz/corpus/%s", targets[i].name);
        int seeds = replay_directory(dir, &targets[i]);
        CHECK(seeds > 0); /* the corpus is where it should be */
        snprintf(dir, sizeof dir, "../fuzz/regressions/%s", targets[i].name);
        int regressions = replay_directory(dir, &targets[i]);
        printf("%s: %d seeds, %d regressions\n", targets[i].name, seeds, regressions);
    }
    return check_summary("test_fuzz_regressions");
}
