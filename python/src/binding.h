/*
 * Internal: the CPython binding of fpgaconvnet-c (the package fpgaconvnet_c).
 *
 * Objects are views of the C library's plain data: a Network owns an
 * fcn_network; its Partition and Layer objects name a place in it (partition,
 * layer index) and read or write the network's data there, so every figure
 * asked for is computed from the data as it is now (no update() to call).
 * A view made before load_network() replaced the data is stale: using it is an
 * error, never a dangling pointer (the network's generation tells).
 */
#ifndef FCN_BINDING_H
#define FCN_BINDING_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "fpgaconvnet.h"

typedef struct NetworkObject {
    PyObject_HEAD
    fcn_network *net;      /* the configuration; never NULL once initialised */
    fcn_network *model;    /* the ONNX model's default configuration, for coverage checks; may be NULL */
    PyObject *name;        /* str */
    PyObject *platform;    /* dict, as fpgaconvnet-model's: freq and reconf_time drive the figures */
    int has_platform;      /* update_platform() or optimise() gave `board` */
    fcn_platform board;
    unsigned long generation; /* bumped whenever `net` is replaced */
} NetworkObject;

typedef struct PartitionObject {
    PyObject_HEAD
    NetworkObject *owner;
    int index;
    unsigned long generation;
} PartitionObject;

/* A layer of a partition, or a squeeze the model inserts (a snapshot: squeezes are derived, not data). */
typedef struct LayerObject {
    PyObject_HEAD
    NetworkObject *owner;
    int partition, index; /* index into the partition's layers; -1 for a squeeze */
    unsigned long generation;
    fcn_layer squeeze;    /* the squeeze's own copy (index -1) */
} LayerObject;

typedef struct PlatformObject {
    PyObject_HEAD
    fcn_platform platform;
} PlatformObject;

extern PyObject *fcn_py_error; /* fpgaconvnet_c.Error, a ValueError */
extern PyTypeObject NetworkType, PartitionType, LayerType, PlatformType;

/* Raises fpgaconvnet_c.Error with the library's message; returns NULL (or -1 through the _int form). */
PyObject *raise_error(const fcn_error *err);
int raise_error_int(const fcn_error *err);
/* Raises fpgaconvnet_c.Error with a printf-formatted message (PyErr_Format knows no %g); returns NULL. */
PyObject *raise_format(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* A path argument (str, bytes or os.PathLike) as bytes; NULL with an exception set. */
PyObject *path_bytes(PyObject *path);

/* The evaluation options of a network: its platform's freq and reconf_time. -1 with an exception set. */
int network_eval_options(NetworkObject *n, fcn_eval_options *opts);
/* Evaluates the whole network; -1 with an exception set. Release with fcn_network_figures_free. */
int network_figures(NetworkObject *n, fcn_network_figures *figures);
/* A new Network object owning `net` (and `model`, may be NULL), with its platform dict. */
PyObject *network_wrap(fcn_network *net, fcn_network *model, PyObject *name, double freq, double reconf_time);
/* Replaces a network's data; views of the old data become stale. */
void network_replace(NetworkObject *n, fcn_network *net);
/* Checks a view's generation against its owner; -1 with an exception set when stale. */
int view_check(NetworkObject *owner, unsigned long generation);

PyObject *partition_new(NetworkObject *owner, int index);
PyObject *layer_new(NetworkObject *owner, int partition, int index);
PyObject *squeeze_layer_new(NetworkObject *owner, int partition, const fcn_layer *squeeze);
/* A resource as fpgaconvnet-model's dict: {"LUT", "FF", "DSP", "BRAM"}. */
PyObject *resource_dict(const fcn_resource *r);
/* A platform argument: a Platform object or a path to a platform file; -1 with an exception set. */
int platform_argument(PyObject *arg, fcn_platform *out);
/* Fills a fpgaconvnet-model platform dict from a board (freq and reconf_time only where the file gives them). */
int platform_dict_update(PyObject *dict, const fcn_platform *board);

/* Module functions (tools.c). */
PyObject *py_optimise(PyObject *self, PyObject *args, PyObject *kwargs);
PyObject *py_parse_ops(PyObject *self, PyObject *args, PyObject *kwargs);
PyObject *py_bound(PyObject *self, PyObject *args, PyObject *kwargs);

#endif
