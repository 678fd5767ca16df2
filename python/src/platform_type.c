/* fpgaconvnet_c.Platform: an FPGA board, read from a platform file (JSON, the optimisers' form or SAMO's, or TOML). */
#include "binding.h"

#include <string.h>

static PyObject *platform_from_file(PyTypeObject *type, PyObject *args)
{
    PyObject *path;
    if (!PyArg_ParseTuple(args, "O:from_file", &path))
        return NULL;
    PyObject *bytes = path_bytes(path);
    if (!bytes)
        return NULL;
    fcn_platform board;
    fcn_error err;
    const int rc = fcn_platform_read(PyBytes_AS_STRING(bytes), &board, &err);
    Py_DECREF(bytes);
    if (rc)
        return raise_error(&err);
    PlatformObject *p = (PlatformObject *)type->tp_alloc(type, 0);
    if (p)
        p->platform = board;
    return (PyObject *)p;
}

int platform_argument(PyObject *arg, fcn_platform *out)
{
    if (PyObject_TypeCheck(arg, &PlatformType)) {
        *out = ((PlatformObject *)arg)->platform;
        return 0;
    }
    PyObject *bytes = path_bytes(arg);
    if (!bytes)
        return -1;
    fcn_error err;
    const int rc = fcn_platform_read(PyBytes_AS_STRING(bytes), out, &err);
    Py_DECREF(bytes);
    return rc ? raise_error_int(&err) : 0;
}

static int set_item(PyObject *dict, const char *key, PyObject *value)
{
    if (!value)
        return -1;
    const int rc = PyDict_SetItemString(dict, key, value);
    Py_DECREF(value);
    return rc;
}

int platform_dict_update(PyObject *dict, const fcn_platform *b)
{
    PyObject *constraints = Py_BuildValue("{s:L,s:L,s:L,s:L}", "FF", (long long)b->resource.ff, "LUT",
                                          (long long)b->resource.lut, "DSP", (long long)b->resource.dsp, "BRAM",
                                          (long long)b->resource.bram);
    if (set_item(dict, "name", PyUnicode_FromString(b->name)) ||
        set_item(dict, "ports", PyLong_FromLongLong((long long)b->ports)) ||
        set_item(dict, "port_width", PyLong_FromLongLong((long long)b->port_width)) ||
        set_item(dict, "mem_bandwidth", PyFloat_FromDouble(b->mem_bandwidth_gbs)) ||
        set_item(dict, "mem_capacity", PyFloat_FromDouble(b->mem_capacity_bytes)) ||
        set_item(dict, "constraints", constraints))
        return -1;
    /* A board that gives no clock or reconfiguration time keeps the network's. */
    if (b->freq_mhz > 0 && set_item(dict, "freq", PyFloat_FromDouble(b->freq_mhz)))
        return -1;
    if (b->reconf_time_s >= 0 && set_item(dict, "reconf_time", PyFloat_FromDouble(b->reconf_time_s)))
        return -1;
    return 0;
}

/* The board's resources: resource_dict's four and URAM (0 on boards without), which usage dicts leave out. */
static PyObject *platform_resources(const fcn_platform *b)
{
    PyObject *dict = resource_dict(&b->resource);
    if (dict && set_item(dict, "URAM", PyLong_FromLongLong((long long)b->resource.uram))) {
        Py_DECREF(dict);
        return NULL;
    }
    return dict;
}

static PyObject *platform_as_dict(PlatformObject *self, PyObject *unused)
{
    (void)unused;
    PyObject *dict = Py_BuildValue("{s:d,s:d}", "freq", 125.0, "reconf_time", 0.0);
    if (dict && platform_dict_update(dict, &self->platform)) {
        Py_DECREF(dict);
        return NULL;
    }
    return dict;
}

enum { B_NAME, B_PART, B_FREQ, B_RECONF, B_BANDWIDTH, B_CAPACITY, B_PORTS, B_PORT_WIDTH, B_RESOURCES };

static PyObject *platform_get(PlatformObject *self, void *closure)
{
    const fcn_platform *b = &self->platform;
    switch ((int)(intptr_t)closure) {
    case B_NAME: return PyUnicode_FromString(b->name);
    case B_PART: return PyUnicode_FromString(b->part);
    case B_FREQ: if (b->freq_mhz > 0) return PyFloat_FromDouble(b->freq_mhz); Py_RETURN_NONE;
    case B_RECONF: if (b->reconf_time_s >= 0) return PyFloat_FromDouble(b->reconf_time_s); Py_RETURN_NONE;
    case B_BANDWIDTH: return PyFloat_FromDouble(b->mem_bandwidth_gbs);
    case B_CAPACITY: return PyFloat_FromDouble(b->mem_capacity_bytes);
    case B_PORTS: return PyLong_FromLongLong((long long)b->ports);
    case B_PORT_WIDTH: return PyLong_FromLongLong((long long)b->port_width);
    default: return platform_resources(b);
    }
}

static PyObject *platform_repr(PlatformObject *self)
{
    const fcn_platform *b = &self->platform;
    return PyUnicode_FromFormat("<fpgaconvnet_c.Platform '%s' (%s): %lld LUT, %lld FF, %lld DSP, %lld BRAM>", b->name,
                                b->part, (long long)b->resource.lut, (long long)b->resource.ff,
                                (long long)b->resource.dsp, (long long)b->resource.bram);
}

static PyMethodDef platform_methods[] = {
    {"from_file", (PyCFunction)platform_from_file, METH_VARARGS | METH_CLASS,
     "from_file(path)\n--\n\nReads a platform file: JSON (the optimisers' form or SAMO's) or TOML."},
    {"as_dict", (PyCFunction)platform_as_dict, METH_NOARGS,
     "as_dict()\n--\n\nThe board as fpgaconvnet-model's platform dict."},
    {NULL, NULL, 0, NULL}};

#define GET(name, doc, id) {name, (getter)platform_get, NULL, doc, (void *)(intptr_t)(id)}
static PyGetSetDef platform_getset[] = {
    GET("name", "The board's name.", B_NAME),
    GET("part", "The FPGA part.", B_PART),
    GET("freq", "Clock in MHz, or None if the file gives none.", B_FREQ),
    GET("reconf_time", "Seconds to reconfigure, or None if the file gives none.", B_RECONF),
    GET("mem_bandwidth", "Off-chip memory bandwidth in GB/s (0: unchecked).", B_BANDWIDTH),
    GET("mem_capacity", "Off-chip memory in bytes.", B_CAPACITY),
    GET("ports", "Memory ports.", B_PORTS),
    GET("port_width", "Bits of a memory port.", B_PORT_WIDTH),
    GET("resources", "Available LUT, FF, DSP, BRAM and URAM (a dict).", B_RESOURCES),
    {NULL, NULL, NULL, NULL, NULL}};

static PyObject *platform_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    (void)type;
    (void)args;
    (void)kwargs;
    PyErr_SetString(PyExc_TypeError, "make a Platform with Platform.from_file(path)");
    return NULL;
}

PyTypeObject PlatformType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "fpgaconvnet_c.Platform",
    .tp_basicsize = sizeof(PlatformObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "An FPGA board: Platform.from_file(path).",
    .tp_new = platform_new,
    .tp_repr = (reprfunc)platform_repr,
    .tp_methods = platform_methods,
    .tp_getset = platform_getset,
};
