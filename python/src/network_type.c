/* fpgaconvnet_c.Network: fpgaconvnet-model's Network, over an fcn_network. */
#include "binding.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* fpgaconvnet-model 0.1.1's platform dict, as its Network starts with it. */
static PyObject *platform_dict_new(double freq, double reconf_time)
{
    return Py_BuildValue("{s:s,s:d,s:d,s:d,s:i,s:i,s:i,s:i,s:{s:i,s:i,s:i,s:i}}", "name", "platform", "freq", freq,
                         "reconf_time", reconf_time, "wr_time", 0.0, "ports", 4, "port_width", 64, "mem_bandwidth", 0,
                         "mem_capacity", 0, "constraints", "FF", 0, "LUT", 0, "DSP", 0, "BRAM", 0);
}

static int dict_double(PyObject *dict, const char *key, double *out)
{
    PyObject *value = PyDict_GetItemString(dict, key); /* borrowed */
    if (!value) {
        PyErr_Format(fcn_py_error, "the network's platform has no '%s'", key);
        return -1;
    }
    *out = PyFloat_AsDouble(value);
    if (*out == -1.0 && PyErr_Occurred())
        return -1;
    return 0;
}

int network_eval_options(NetworkObject *n, fcn_eval_options *opts)
{
    *opts = (fcn_eval_options){0};
    if (!PyDict_Check(n->platform)) {
        PyErr_SetString(PyExc_TypeError, "Network.platform must be a dict");
        return -1;
    }
    if (dict_double(n->platform, "freq", &opts->freq_mhz) || dict_double(n->platform, "reconf_time", &opts->reconf_time_s))
        return -1;
    if (!(opts->freq_mhz > 0)) {
        raise_format("platform freq %g MHz is not a positive clock frequency", opts->freq_mhz);
        return -1;
    }
    if (!(opts->reconf_time_s >= 0)) {
        raise_format("platform reconf_time %g s is negative", opts->reconf_time_s);
        return -1;
    }
    return 0;
}

int network_figures(NetworkObject *n, fcn_network_figures *figures)
{
    fcn_eval_options opts;
    fcn_error err;
    if (network_eval_options(n, &opts))
        return -1;
    if (fcn_network_evaluate(n->net, &opts, figures, &err))
        return raise_error_int(&err);
    return 0;
}

int view_check(NetworkObject *owner, unsigned long generation)
{
    if (owner->generation == generation)
        return 0;
    PyErr_SetString(fcn_py_error, "this partition or layer belongs to a configuration that load_network() has "
                                  "replaced: take it again from Network.partitions");
    return -1;
}

void network_replace(NetworkObject *n, fcn_network *net)
{
    fcn_network_free(n->net);
    n->net = net;
    n->generation++;
}

PyObject *network_wrap(fcn_network *net, fcn_network *model, PyObject *name, double freq, double reconf_time)
{
    NetworkObject *n = PyObject_New(NetworkObject, &NetworkType);
    if (!n) {
        fcn_network_free(net);
        fcn_network_free(model);
        return NULL;
    }
    n->net = net;
    n->model = model;
    n->has_platform = 0;
    n->generation = 0;
    Py_INCREF(name);
    n->name = name;
    n->platform = platform_dict_new(freq, reconf_time);
    if (!n->platform) {
        Py_DECREF(n);
        return NULL;
    }
    return (PyObject *)n;
}

static PyObject *network_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    (void)args;
    (void)kwargs;
    NetworkObject *n = (NetworkObject *)type->tp_alloc(type, 0);
    return (PyObject *)n; /* fields zeroed: __init__ fills them */
}

static int network_init(NetworkObject *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"name", "network_path", "batch_size", "freq", "reconf_time", "data_width",
                               "weight_width", "acc_width", "fuse_bn", NULL};
    PyObject *name, *path;
    long long batch_size = 1;
    double freq = 125, reconf_time = 0.0;
    int data_width = 16, weight_width = 8, acc_width = 30, fuse_bn = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "UO|Lddiiip:Network", keywords, &name, &path, &batch_size, &freq,
                                     &reconf_time, &data_width, &weight_width, &acc_width, &fuse_bn))
        return -1;
    (void)data_width, (void)weight_width, (void)acc_width; /* as 0.1.1: its parser gives every layer its own */
    if (batch_size < 1) {
        PyErr_Format(fcn_py_error, "batch_size must be at least 1, got %lld", batch_size);
        return -1;
    }
    PyObject *bytes = path_bytes(path);
    if (!bytes)
        return -1;
    fcn_parse_options opts = {.batch_size = batch_size, .keep_batch_norm = !fuse_bn};
    fcn_error err;
    fcn_network *model;
    Py_BEGIN_ALLOW_THREADS
    model = fcn_onnx_parse(PyBytes_AS_STRING(bytes), &opts, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(bytes);
    if (!model)
        return raise_error_int(&err);
    fcn_network *net = fcn_network_clone(model);
    PyObject *platform = platform_dict_new(freq, reconf_time);
    if (!net || !platform) {
        fcn_network_free(model);
        fcn_network_free(net);
        Py_XDECREF(platform);
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        return -1;
    }
    /* __init__ may run again on the same object: what it held goes. */
    if (self->net)
        network_replace(self, net);
    else
        self->net = net;
    fcn_network_free(self->model);
    self->model = model;
    Py_INCREF(name);
    Py_XSETREF(self->name, name);
    Py_XSETREF(self->platform, platform);
    self->has_platform = 0;
    return 0;
}

static void network_dealloc(NetworkObject *self)
{
    fcn_network_free(self->net);
    fcn_network_free(self->model);
    Py_XDECREF(self->name);
    Py_XDECREF(self->platform);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Every method needs the data; a Network made with __new__ alone has none. */
static int network_ready(NetworkObject *self)
{
    if (self->net)
        return 0;
    PyErr_SetString(fcn_py_error, "the Network has no configuration (Network.__init__ did not run)");
    return -1;
}

/* A configuration file, read without the GIL; NULL with an exception set. */
static fcn_network *read_config(PyObject *path)
{
    PyObject *bytes = path_bytes(path);
    if (!bytes)
        return NULL;
    fcn_error err;
    fcn_network *net;
    Py_BEGIN_ALLOW_THREADS
    net = fcn_network_read(PyBytes_AS_STRING(bytes), &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(bytes);
    if (!net)
        raise_error(&err);
    return net;
}

static PyObject *network_from_config(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    (void)type;
    static char *keywords[] = {"path", "name", "freq", "reconf_time", NULL};
    PyObject *path, *name = NULL;
    double freq = 125, reconf_time = 0.0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|Udd:from_config", keywords, &path, &name, &freq, &reconf_time))
        return NULL;
    PyObject *default_name = name ? NULL : PyUnicode_FromString("network");
    fcn_network *net = name || default_name ? read_config(path) : NULL;
    PyObject *result = net ? network_wrap(net, NULL, name ? name : default_name, freq, reconf_time) : NULL;
    Py_XDECREF(default_name);
    return result;
}

static PyObject *network_load_network(NetworkObject *self, PyObject *args)
{
    PyObject *path;
    if (network_ready(self) || !PyArg_ParseTuple(args, "O:load_network", &path))
        return NULL;
    fcn_network *net = read_config(path);
    if (!net)
        return NULL;
    network_replace(self, net);
    Py_RETURN_NONE;
}

static PyObject *network_save_all_partitions(NetworkObject *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"filepath", "input_output_from_model", "config_format", NULL};
    PyObject *path;
    int from_model = 1;
    const char *format_name = "0.1.1";
    if (network_ready(self) || !PyArg_ParseTupleAndKeywords(args, kwargs, "O|p$s:save_all_partitions", keywords, &path,
                                                            &from_model, &format_name))
        return NULL;
    (void)from_model; /* the file always names the model's own input and output */
    fcn_config_format format;
    if (fcn_config_format_from_name(format_name, &format)) {
        PyErr_Format(fcn_py_error, "config_format must be '0.1.1' or 'newest', got '%s'", format_name);
        return NULL;
    }
    PyObject *bytes = path_bytes(path);
    if (!bytes)
        return NULL;
    fcn_error err;
    const int rc = fcn_network_write_format(self->net, PyBytes_AS_STRING(bytes), format, &err);
    Py_DECREF(bytes);
    if (rc)
        return raise_error(&err);
    Py_RETURN_NONE;
}

/* partition_list: None for every partition, else a sequence of valid indices (count in *count). */
static int *partition_list(NetworkObject *self, PyObject *list, int *count)
{
    *count = self->net->partition_count;
    if (!list || list == Py_None)
        return NULL;
    PyObject *seq = PySequence_Fast(list, "partition_list must be a sequence of partition indices");
    if (!seq)
        return NULL;
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    int *indices = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof *indices);
    if (!indices) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        const long index = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
        if (index == -1 && PyErr_Occurred())
            goto fail;
        if (index < 0 || index >= self->net->partition_count) {
            PyErr_Format(fcn_py_error, "partition_list: %ld is not a partition (the network has %d)", index,
                         self->net->partition_count);
            goto fail;
        }
        indices[i] = (int)index;
    }
    Py_DECREF(seq);
    *count = (int)n;
    return indices;
fail:
    Py_DECREF(seq);
    PyMem_Free(indices);
    return NULL;
}

/* The latency of the partitions listed, as fpgaconvnet-model's get_latency; -1 with an exception set. */
static double listed_latency(NetworkObject *self, PyObject *list)
{
    fcn_eval_options opts;
    if (network_eval_options(self, &opts))
        return -1;
    int count;
    int *indices = partition_list(self, list, &count);
    if (!indices && PyErr_Occurred())
        return -1;
    if (count < 1) {
        PyMem_Free(indices);
        PyErr_SetString(fcn_py_error, "partition_list is empty");
        return -1;
    }
    const double latency = fcn_network_latency(self->net, &opts, indices, count);
    PyMem_Free(indices);
    return latency;
}

static PyObject *network_get_latency(NetworkObject *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"partition_list", NULL};
    PyObject *list = NULL;
    if (network_ready(self) || !PyArg_ParseTupleAndKeywords(args, kwargs, "|O:get_latency", keywords, &list))
        return NULL;
    const double latency = listed_latency(self, list);
    return latency < 0 ? NULL : PyFloat_FromDouble(latency);
}

static PyObject *network_get_throughput(NetworkObject *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"partition_list", NULL};
    PyObject *list = NULL;
    if (network_ready(self) || !PyArg_ParseTupleAndKeywords(args, kwargs, "|O:get_throughput", keywords, &list))
        return NULL;
    const double latency = listed_latency(self, list);
    /* Inputs a second: the batch over the time the partitions take (fpgaconvnet-model's definition). */
    return latency < 0 ? NULL : PyFloat_FromDouble((double)self->net->partitions[0].batch_size / latency);
}

static PyObject *network_get_memory_usage_estimate(NetworkObject *self, PyObject *unused)
{
    (void)unused;
    fcn_network_figures f;
    if (network_ready(self) || network_figures(self, &f))
        return NULL;
    PyObject *result = PyLong_FromLongLong((long long)f.memory_usage_bytes);
    fcn_network_figures_free(&f);
    return result;
}

/* The report as text or JSON, in a string. */
static PyObject *report_string(NetworkObject *self, fcn_report_format format, const fcn_platform *platform)
{
    fcn_network_figures f;
    if (network_figures(self, &f))
        return NULL;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    fcn_error err = {{0}};
    int rc = out ? fcn_report_write(out, format, &f, platform, &err) : -1;
    if (out && fclose(out) != 0)
        rc = -1;
    fcn_network_figures_free(&f);
    PyObject *result = NULL;
    if (rc == 0)
        result = PyUnicode_DecodeUTF8(text, (Py_ssize_t)size, "replace");
    else if (err.message[0])
        raise_error(&err);
    else
        PyErr_NoMemory();
    free(text);
    return result;
}

/* The platform argument of report() and validate(): given, or the one update_platform() read. */
static int platform_or_own(NetworkObject *self, PyObject *arg, fcn_platform *out, int required)
{
    if (arg && arg != Py_None)
        return platform_argument(arg, out);
    if (self->has_platform) {
        *out = self->board;
        return 0;
    }
    if (!required)
        return 1;
    PyErr_SetString(fcn_py_error, "no platform: pass one (a Platform or a platform file), or call update_platform()");
    return -1;
}

static PyObject *network_report(NetworkObject *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"format", "platform", NULL};
    const char *format = "text";
    PyObject *platform_arg = NULL;
    if (network_ready(self) || !PyArg_ParseTupleAndKeywords(args, kwargs, "|sO:report", keywords, &format, &platform_arg))
        return NULL;
    fcn_report_format f;
    if (strcmp(format, "text") == 0)
        f = FCN_REPORT_TEXT;
    else if (strcmp(format, "json") == 0)
        f = FCN_REPORT_JSON;
    else
        return PyErr_Format(fcn_py_error, "report format '%s' is neither 'text' nor 'json'", format);
    fcn_platform platform;
    const int given = platform_or_own(self, platform_arg, &platform, 0);
    if (given < 0)
        return NULL;
    return report_string(self, f, given == 0 ? &platform : NULL);
}

static PyObject *network_evaluate(NetworkObject *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"platform", NULL};
    PyObject *platform_arg = NULL;
    if (network_ready(self) || !PyArg_ParseTupleAndKeywords(args, kwargs, "|O:evaluate", keywords, &platform_arg))
        return NULL;
    fcn_platform platform;
    const int given = platform_or_own(self, platform_arg, &platform, 0);
    if (given < 0)
        return NULL;
    PyObject *text = report_string(self, FCN_REPORT_JSON, given == 0 ? &platform : NULL);
    if (!text)
        return NULL;
    PyObject *json = PyImport_ImportModule("json");
    PyObject *result = json ? PyObject_CallMethod(json, "loads", "O", text) : NULL;
    Py_XDECREF(json);
    Py_DECREF(text);
    return result;
}

static PyObject *network_validate(NetworkObject *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"platform", "resource_allocation", NULL};
    PyObject *platform_arg = NULL;
    double allocation = 1.0;
    if (network_ready(self) ||
        !PyArg_ParseTupleAndKeywords(args, kwargs, "|Od:validate", keywords, &platform_arg, &allocation))
        return NULL;
    fcn_platform platform;
    if (platform_or_own(self, platform_arg, &platform, 1))
        return NULL;
    fcn_network_figures f;
    if (network_figures(self, &f))
        return NULL;
    fcn_validate_options opts = {.resource_allocation = allocation, .model = self->model};
    fcn_violations v = {0};
    fcn_error err;
    const int rc = fcn_validate(&f, &platform, &opts, &v, &err);
    fcn_network_figures_free(&f);
    if (rc)
        return raise_error(&err);
    PyObject *list = PyList_New(v.count);
    for (int i = 0; list && i < v.count; i++) {
        PyObject *message = PyUnicode_DecodeUTF8(v.messages[i], (Py_ssize_t)strlen(v.messages[i]), "replace");
        if (!message) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, message);
    }
    fcn_violations_free(&v);
    return list;
}

/* visualise(path, mode): the library draws by the path's extension, so another name is drawn beside and renamed. */
static PyObject *network_visualise(NetworkObject *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"output_path", "mode", "detail", NULL};
    PyObject *path;
    const char *mode = "png", *detail_name = "modules";
    if (network_ready(self) ||
        !PyArg_ParseTupleAndKeywords(args, kwargs, "O|ss:visualise", keywords, &path, &mode, &detail_name))
        return NULL;
    if (strcmp(mode, "png") && strcmp(mode, "svg") && strcmp(mode, "pdf") && strcmp(mode, "dot"))
        return PyErr_Format(fcn_py_error, "visualise mode '%s' is none of png, svg, pdf, dot", mode);
    fcn_detail detail;
    if (strcmp(detail_name, "modules") == 0)
        detail = FCN_DETAIL_MODULES;
    else if (strcmp(detail_name, "layers") == 0)
        detail = FCN_DETAIL_LAYERS;
    else
        return PyErr_Format(fcn_py_error, "visualise detail '%s' is neither 'modules' nor 'layers'", detail_name);
    PyObject *bytes = path_bytes(path);
    if (!bytes)
        return NULL;
    const char *target = PyBytes_AS_STRING(bytes);
    const size_t length = strlen(target), mode_length = strlen(mode);
    const int named = length > mode_length + 1 && target[length - mode_length - 1] == '.' &&
                      strcmp(target + length - mode_length, mode) == 0;
    PyObject *drawn = named ? (Py_INCREF(bytes), bytes) : PyBytes_FromFormat("%s.tmp-picture.%s", target, mode);
    fcn_network_figures f;
    if (!drawn || network_figures(self, &f)) {
        Py_XDECREF(drawn);
        Py_DECREF(bytes);
        return NULL;
    }
    fcn_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = fcn_visualise(&f, PyBytes_AS_STRING(drawn), detail, &err);
    Py_END_ALLOW_THREADS
    fcn_network_figures_free(&f);
    if (rc == 0 && !named && rename(PyBytes_AS_STRING(drawn), target) != 0) {
        PyErr_SetFromErrnoWithFilename(PyExc_OSError, target);
        remove(PyBytes_AS_STRING(drawn));
        rc = -2;
    }
    Py_DECREF(drawn);
    Py_DECREF(bytes);
    if (rc == -2)
        return NULL;
    if (rc)
        return raise_error(&err);
    Py_RETURN_NONE;
}

static PyObject *network_get_schedule_csv(NetworkObject *self, PyObject *args)
{
    PyObject *path;
    if (network_ready(self) || !PyArg_ParseTuple(args, "O:get_schedule_csv", &path))
        return NULL;
    PyObject *bytes = path_bytes(path);
    if (!bytes)
        return NULL;
    fcn_network_figures f;
    if (network_figures(self, &f)) {
        Py_DECREF(bytes);
        return NULL;
    }
    fcn_schedule_row *rows = PyMem_Calloc((size_t)f.partition_count, sizeof *rows);
    FILE *out = rows ? fopen(PyBytes_AS_STRING(bytes), "w") : NULL;
    fcn_error err = {{0}};
    int rc = -1;
    if (out) {
        fcn_schedule(&f, rows);
        rc = fcn_schedule_write(out, rows, f.partition_count, 1, &err);
        if (fclose(out) != 0 && rc == 0) {
            rc = -1;
            snprintf(err.message, sizeof err.message, "%s: cannot write the schedule", PyBytes_AS_STRING(bytes));
        }
    } else if (rows) {
        PyErr_SetFromErrnoWithFilename(PyExc_OSError, PyBytes_AS_STRING(bytes));
    } else {
        PyErr_NoMemory();
    }
    fcn_network_figures_free(&f);
    PyMem_Free(rows);
    Py_DECREF(bytes);
    if (rc && !PyErr_Occurred())
        return raise_error(&err);
    if (rc)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *network_update_platform(NetworkObject *self, PyObject *args)
{
    PyObject *arg;
    if (network_ready(self) || !PyArg_ParseTuple(args, "O:update_platform", &arg))
        return NULL;
    fcn_platform board;
    if (platform_argument(arg, &board) || platform_dict_update(self->platform, &board))
        return NULL;
    self->board = board;
    self->has_platform = 1;
    Py_RETURN_NONE;
}

static PyObject *network_nothing(NetworkObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    Py_RETURN_NONE;
}

static PyObject *network_copy(NetworkObject *self, PyObject *unused)
{
    (void)unused;
    if (network_ready(self))
        return NULL;
    fcn_network *net = fcn_network_clone(self->net);
    fcn_network *model = self->model ? fcn_network_clone(self->model) : NULL;
    if (!net || (self->model && !model)) {
        fcn_network_free(net);
        fcn_network_free(model);
        return PyErr_NoMemory();
    }
    NetworkObject *copy = (NetworkObject *)network_wrap(net, model, self->name, 125, 0);
    if (!copy)
        return NULL;
    PyObject *platform = PyDict_Copy(self->platform);
    if (!platform) {
        Py_DECREF(copy);
        return NULL;
    }
    Py_SETREF(copy->platform, platform);
    copy->board = self->board;
    copy->has_platform = self->has_platform;
    return (PyObject *)copy;
}

static PyObject *network_get_partitions(NetworkObject *self, void *closure)
{
    (void)closure;
    if (network_ready(self))
        return NULL;
    PyObject *list = PyList_New(self->net->partition_count);
    for (int i = 0; list && i < self->net->partition_count; i++) {
        PyObject *p = partition_new(self, i);
        if (!p) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, p);
    }
    return list;
}

static PyObject *network_get_batch_size(NetworkObject *self, void *closure)
{
    (void)closure;
    if (network_ready(self))
        return NULL;
    return PyLong_FromLongLong((long long)self->net->partitions[0].batch_size);
}

/* The batch is every partition's: the configuration file records it per partition. */
static int network_set_batch_size(NetworkObject *self, PyObject *value, void *closure)
{
    (void)closure;
    if (network_ready(self))
        return -1;
    if (!value) {
        PyErr_SetString(PyExc_AttributeError, "batch_size cannot be deleted");
        return -1;
    }
    const long long batch = PyLong_AsLongLong(value);
    if (batch == -1 && PyErr_Occurred())
        return -1;
    if (batch < 1) {
        PyErr_Format(fcn_py_error, "batch_size must be at least 1, got %lld", batch);
        return -1;
    }
    for (int i = 0; i < self->net->partition_count; i++)
        self->net->partitions[i].batch_size = batch;
    return 0;
}

/* name and platform: Python objects the Network holds, each of one type. */
static int is_str(PyObject *o) { return PyUnicode_Check(o); }
static int is_dict(PyObject *o) { return PyDict_Check(o); }

typedef struct held_field {
    size_t offset;
    int (*accepts)(PyObject *);
    const char *refusal;
} held_field;

static const held_field held_fields[] = {
    {offsetof(NetworkObject, name), is_str, "Network.name must be a str"},
    {offsetof(NetworkObject, platform), is_dict, "Network.platform must be a dict"},
};

static PyObject **held_slot(NetworkObject *self, void *closure)
{
    return (PyObject **)((char *)self + held_fields[(intptr_t)closure].offset);
}

static PyObject *network_get_held(NetworkObject *self, void *closure)
{
    PyObject *value = *held_slot(self, closure);
    if (!value)
        Py_RETURN_NONE;
    Py_INCREF(value);
    return value;
}

static int network_set_held(NetworkObject *self, PyObject *value, void *closure)
{
    const held_field *f = &held_fields[(intptr_t)closure];
    if (!value || !f->accepts(value)) {
        PyErr_SetString(PyExc_TypeError, f->refusal);
        return -1;
    }
    Py_INCREF(value);
    Py_XSETREF(*held_slot(self, closure), value);
    return 0;
}

static PyObject *network_repr(NetworkObject *self)
{
    if (!self->net)
        return PyUnicode_FromString("<fpgaconvnet_c.Network (no configuration)>");
    int layers = 0;
    for (int i = 0; i < self->net->partition_count; i++)
        layers += self->net->partitions[i].layer_count;
    return PyUnicode_FromFormat("<fpgaconvnet_c.Network %R: %d partitions, %d layers>", self->name,
                                self->net->partition_count, layers);
}

static PyMethodDef network_methods[] = {
    {"from_config", (PyCFunction)(void (*)(void))network_from_config, METH_VARARGS | METH_KEYWORDS | METH_CLASS,
     "from_config(path, name=None, freq=125, reconf_time=0.0)\n--\n\n"
     "A Network read from a configuration file alone (no ONNX model: validate() then skips coverage)."},
    {"load_network", (PyCFunction)network_load_network, METH_VARARGS,
     "load_network(network_path)\n--\n\nReplaces the partitions with those of a configuration file."},
    {"save_all_partitions", (PyCFunction)(void (*)(void))network_save_all_partitions, METH_VARARGS | METH_KEYWORDS,
     "save_all_partitions(filepath, input_output_from_model=True)\n--\n\n"
     "Writes the configuration (fpgaconvnet-model 0.1.1's JSON form, squeeze layers included)."},
    {"get_latency", (PyCFunction)(void (*)(void))network_get_latency, METH_VARARGS | METH_KEYWORDS,
     "get_latency(partition_list=None)\n--\n\n"
     "Seconds for one batch through the partitions listed (default all), reconfigurations included."},
    {"get_throughput", (PyCFunction)(void (*)(void))network_get_throughput, METH_VARARGS | METH_KEYWORDS,
     "get_throughput(partition_list=None)\n--\n\nInputs a second: batch_size / get_latency(partition_list)."},
    {"get_memory_usage_estimate", (PyCFunction)network_get_memory_usage_estimate, METH_NOARGS,
     "get_memory_usage_estimate()\n--\n\nBytes of off-chip memory the feature maps need."},
    {"evaluate", (PyCFunction)(void (*)(void))network_evaluate, METH_VARARGS | METH_KEYWORDS,
     "evaluate(platform=None)\n--\n\nEvery figure, as `fpgaconvnet report --format json` gives it (a dict)."},
    {"report", (PyCFunction)(void (*)(void))network_report, METH_VARARGS | METH_KEYWORDS,
     "report(format='text', platform=None)\n--\n\nThe report `fpgaconvnet report` prints, as a str."},
    {"validate", (PyCFunction)(void (*)(void))network_validate, METH_VARARGS | METH_KEYWORDS,
     "validate(platform=None, resource_allocation=1.0)\n--\n\n"
     "What the configuration violates on the platform, one str each (empty: it fits)."},
    {"visualise", (PyCFunction)(void (*)(void))network_visualise, METH_VARARGS | METH_KEYWORDS,
     "visualise(output_path, mode='png', detail='modules')\n--\n\n"
     "Draws the partitions, layers and streams with graphviz; mode png, svg, pdf or dot."},
    {"get_schedule_csv", (PyCFunction)network_get_schedule_csv, METH_VARARGS,
     "get_schedule_csv(output_path)\n--\n\nWrites the schedule the hardware flow uses, as CSV."},
    {"update_platform", (PyCFunction)network_update_platform, METH_VARARGS,
     "update_platform(platform)\n--\n\n"
     "Reads a platform (a Platform or a file) into Network.platform; report() and validate() then use it."},
    {"update_partitions", (PyCFunction)network_nothing, METH_NOARGS,
     "update_partitions()\n--\n\nNothing to do: every figure is computed from the data as it is (kept for "
     "fpgaconvnet-model's scripts)."},
    {"copy", (PyCFunction)network_copy, METH_NOARGS, "copy()\n--\n\nAn independent copy of the network."},
    {NULL, NULL, 0, NULL}};

static PyGetSetDef network_getset[] = {
    {"partitions", (getter)network_get_partitions, NULL, "The partitions, in execution order (a new list).", NULL},
    {"batch_size", (getter)network_get_batch_size, (setter)network_set_batch_size,
     "The batch size (every partition's).", NULL},
    {"name", (getter)network_get_held, (setter)network_set_held, "The network's name.", (void *)0},
    {"platform", (getter)network_get_held, (setter)network_set_held,
     "fpgaconvnet-model's platform dict; 'freq' (MHz) and 'reconf_time' (s) drive the figures.", (void *)1},
    {NULL, NULL, NULL, NULL, NULL}};

PyTypeObject NetworkType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "fpgaconvnet_c.Network",
    .tp_basicsize = sizeof(NetworkObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Network(name, network_path, batch_size=1, freq=125, reconf_time=0.0, data_width=16, weight_width=8, "
              "acc_width=30, fuse_bn=True)\n--\n\n"
              "A CNN parsed from ONNX into its default configuration (one partition, every folding factor 1), as\n"
              "fpgaconvnet-model's Network. data_width, weight_width and acc_width are accepted as 0.1.1 accepts\n"
              "them: each layer keeps its own widths.",
    .tp_new = network_new,
    .tp_init = (initproc)network_init,
    .tp_dealloc = (destructor)network_dealloc,
    .tp_repr = (reprfunc)network_repr,
    .tp_methods = network_methods,
    .tp_getset = network_getset,
};
