/* The module fpgaconvnet_c._core: its types, its functions and the Error they raise. */
#include "binding.h"

#include <stdarg.h>
#include <stdio.h>

PyObject *fcn_py_error;

PyObject *raise_error(const fcn_error *err)
{
    PyErr_SetString(fcn_py_error, err->message[0] ? err->message : "failed (no message)");
    return NULL;
}

int raise_error_int(const fcn_error *err)
{
    raise_error(err);
    return -1;
}

PyObject *raise_format(const char *fmt, ...)
{
    char message[sizeof(((fcn_error *)0)->message)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    PyErr_SetString(fcn_py_error, message);
    return NULL;
}

PyObject *path_bytes(PyObject *path)
{
    PyObject *bytes = NULL;
    if (!PyUnicode_FSConverter(path, &bytes))
        return NULL;
    return bytes;
}

PyObject *resource_dict(const fcn_resource *r)
{
    PyObject *d = Py_BuildValue("{s:L,s:L,s:L,s:L}", "LUT", (long long)r->lut, "FF", (long long)r->ff, "DSP",
                                (long long)r->dsp, "BRAM", (long long)r->bram);
    /* URAM only where there is some: fpgaconvnet-model 0.1.1's dicts have four keys. */
    if (d && r->uram) {
        PyObject *uram = PyLong_FromLongLong((long long)r->uram);
        if (!uram || PyDict_SetItemString(d, "URAM", uram) < 0)
            Py_CLEAR(d);
        Py_XDECREF(uram);
    }
    return d;
}

static PyMethodDef module_methods[] = {
    {"optimise", (PyCFunction)(void (*)(void))py_optimise, METH_VARARGS | METH_KEYWORDS,
     "optimise(model, platform, objective='throughput', time_limit=30.0, seed=1, callback=None, batch_size=0,\n"
     "         resource_allocation=0.8, iterations=0, optimiser='auto', name=None, freq=None, reconf_time=None,\n"
     "         threads=1, partition_by_dp=False)\n"
     "--\n\n"
     "Searches the folding, partitioning and weights reloading of `model` (an ONNX path or a Network) for the\n"
     "design that best meets `objective` ('throughput' or 'latency') on `platform` (a Platform or a platform\n"
     "file), and returns it as a Network. `callback(progress)`, if given, is called with a dict after each\n"
     "step of the search; a true return value stops the search, which then returns its best design so far.\n"
     "The search runs without the GIL; `threads` independent searches run in parallel (seeds seed, seed+1, ...,\n"
     "every odd one with the other strategy: partition_by_dp) and the best design is kept."},
    {"bound", (PyCFunction)(void (*)(void))py_bound, METH_VARARGS | METH_KEYWORDS,
     "bound(model, platform, objective='throughput', batch_size=0, resource_allocation=0.8, freq=None,\n"
     "      reconf_time=None)\n"
     "--\n\n"
     "The model's upper bound on throughput (and lower bound on latency) for `model` on `platform`\n"
     "(docs/OPTIMISER-BOUND.md): a dict of batch_size, throughput, latency_s, compute_s, forced_s,\n"
     "forced_partitions, forced_reloads, cycles_per_input, partitions_s and partitions_count (the\n"
     "partitions term: the best cut with whole foldings) and binds (the limit that binds: DSP, BRAM,\n"
     "..., partitioning)."},
    {"parse_ops", (PyCFunction)(void (*)(void))py_parse_ops, METH_VARARGS | METH_KEYWORDS,
     "parse_ops(onnx_path)\n--\n\n"
     "The operator types of an ONNX model, in order of first appearance: a list of dicts with op_type, count,\n"
     "supported and becomes (what the parser makes of it)."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_core",
    "fpgaconvnet-c's model of streaming CNN accelerators, from Python (see the package fpgaconvnet_c).", -1,
    module_methods, NULL, NULL, NULL, NULL};

static int add_type(PyObject *module, PyTypeObject *type, const char *name)
{
    if (PyType_Ready(type) < 0)
        return -1;
    Py_INCREF(type);
    if (PyModule_AddObject(module, name, (PyObject *)type) < 0) {
        Py_DECREF(type);
        return -1;
    }
    return 0;
}

PyMODINIT_FUNC PyInit__core(void)
{
    PyObject *module = PyModule_Create(&module_def);
    if (!module)
        return NULL;
    fcn_py_error = PyErr_NewExceptionWithDoc(
        "fpgaconvnet_c.Error",
        "A failure of fpgaconvnet-c: the library's one-line message, naming the file and the place.",
        PyExc_ValueError, NULL);
    if (!fcn_py_error || PyModule_AddObject(module, "Error", fcn_py_error) < 0)
        goto fail;
    Py_INCREF(fcn_py_error); /* the module's reference, and this file's */
    if (add_type(module, &NetworkType, "Network") || add_type(module, &PartitionType, "Partition") ||
        add_type(module, &LayerType, "Layer") || add_type(module, &PlatformType, "Platform") ||
        PyModule_AddStringConstant(module, "__version__", FCN_VERSION) < 0)
        goto fail;
    return module;
fail:
    Py_DECREF(module);
    return NULL;
}
