/* fpgaconvnet_c.Partition: a view of one partition of a Network, as fpgaconvnet-model's Partition. */
#include "binding.h"

#include <string.h>

PyObject *partition_new(NetworkObject *owner, int index)
{
    PartitionObject *p = PyObject_New(PartitionObject, &PartitionType);
    if (!p)
        return NULL;
    Py_INCREF(owner);
    p->owner = owner;
    p->index = index;
    p->generation = owner->generation;
    return (PyObject *)p;
}

static void partition_dealloc(PartitionObject *self)
{
    Py_DECREF(self->owner);
    PyObject_Del(self);
}

/* The partition's data, or NULL with an exception set when the view is stale. */
static fcn_partition *partition_data(PartitionObject *self)
{
    if (view_check(self->owner, self->generation))
        return NULL;
    return &self->owner->net->partitions[self->index];
}

/* The partition's figures (a summary: no squeeze chain is built); -1 with an exception set. */
static int partition_summary(PartitionObject *self, double freq, fcn_partition_figures *out)
{
    const fcn_partition *p = partition_data(self);
    fcn_eval_options opts;
    if (!p || network_eval_options(self->owner, &opts))
        return -1;
    if (freq > 0)
        opts.freq_mhz = freq;
    fcn_partition_summary(p, &opts, out);
    return 0;
}

static PyObject *partition_get_resource_usage(PartitionObject *self, PyObject *unused)
{
    (void)unused;
    fcn_partition_figures f;
    return partition_summary(self, 0, &f) ? NULL : resource_dict(&f.resource);
}

static PyObject *partition_get_interval(PartitionObject *self, PyObject *unused)
{
    (void)unused;
    fcn_partition_figures f;
    return partition_summary(self, 0, &f) ? NULL : PyFloat_FromDouble(f.interval);
}

static PyObject *partition_get_pipeline_depth(PartitionObject *self, PyObject *args)
{
    PyObject *node = NULL; /* fpgaconvnet-model 0.1.1 names the last node; the depth is the partition's */
    if (!PyArg_ParseTuple(args, "|O:get_pipeline_depth", &node))
        return NULL;
    fcn_partition_figures f;
    return partition_summary(self, 0, &f) ? NULL : PyLong_FromLongLong((long long)f.pipeline_depth);
}

/* A clock argument: None or absent for the network's platform freq. */
static int freq_argument(PyObject *args, const char *format, double *freq)
{
    PyObject *value = NULL;
    *freq = 0;
    if (!PyArg_ParseTuple(args, format, &value))
        return -1;
    if (!value || value == Py_None)
        return 0;
    *freq = PyFloat_AsDouble(value);
    if (*freq == -1.0 && PyErr_Occurred())
        return -1;
    if (!(*freq > 0)) {
        raise_format("freq %g MHz is not a positive clock frequency", *freq);
        return -1;
    }
    return 0;
}

static PyObject *partition_get_latency(PartitionObject *self, PyObject *args)
{
    double freq;
    fcn_partition_figures f;
    if (freq_argument(args, "|O:get_latency", &freq) || partition_summary(self, freq, &f))
        return NULL;
    return PyFloat_FromDouble(f.latency_s);
}

static PyObject *partition_get_bandwidth(PartitionObject *self, PyObject *args, int in)
{
    double freq;
    fcn_partition_figures f;
    if (freq_argument(args, in ? "|O:get_bandwidth_in" : "|O:get_bandwidth_out", &freq) ||
        partition_summary(self, freq, &f))
        return NULL;
    return PyFloat_FromDouble(in ? f.bandwidth_in : f.bandwidth_out);
}

static PyObject *partition_get_bandwidth_in(PartitionObject *self, PyObject *args)
{
    return partition_get_bandwidth(self, args, 1);
}

static PyObject *partition_get_bandwidth_out(PartitionObject *self, PyObject *args)
{
    return partition_get_bandwidth(self, args, 0);
}

static PyObject *partition_get_total_operations(PartitionObject *self, PyObject *unused)
{
    (void)unused;
    fcn_partition_figures f;
    return partition_summary(self, 0, &f) ? NULL : PyLong_FromLongLong((long long)f.operations);
}

static PyObject *partition_nothing(PartitionObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    Py_RETURN_NONE;
}

/* The layers in hardware order, squeezes included where the model inserts them (from the whole evaluation). */
static PyObject *partition_get_layers(PartitionObject *self, void *closure)
{
    (void)closure;
    if (!partition_data(self))
        return NULL;
    fcn_network_figures f;
    if (network_figures(self->owner, &f))
        return NULL;
    const fcn_partition_figures *pf = &f.partitions[self->index];
    PyObject *list = PyList_New(pf->layer_count);
    for (int i = 0, data = 0; list && i < pf->layer_count; i++) {
        const fcn_layer *l = &pf->layers[i];
        PyObject *layer = l->type == FCN_SQUEEZE ? squeeze_layer_new(self->owner, self->index, l)
                                                 : layer_new(self->owner, self->index, data++);
        if (!layer) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, layer);
    }
    fcn_network_figures_free(&f);
    return list;
}

enum { P_ID, P_BATCH, P_WR_FACTOR, P_PORTS };

static int64_t *partition_field(fcn_partition *p, int field)
{
    switch (field) {
    case P_ID: return &p->id;
    case P_BATCH: return &p->batch_size;
    case P_WR_FACTOR: return &p->wr_factor;
    default: return &p->ports;
    }
}

static PyObject *partition_get_int(PartitionObject *self, void *closure)
{
    fcn_partition *p = partition_data(self);
    return p ? PyLong_FromLongLong((long long)*partition_field(p, (int)(intptr_t)closure)) : NULL;
}

static const char *partition_field_name(int field)
{
    static const char *names[] = {"id", "batch_size", "wr_factor", "ports"};
    return names[field];
}

/* A changed weights reloading factor must still divide the layer's filters: the network check says so. */
static int partition_set_int(PartitionObject *self, PyObject *value, void *closure)
{
    const int field = (int)(intptr_t)closure;
    fcn_partition *p = partition_data(self);
    if (!p)
        return -1;
    if (!value) {
        PyErr_Format(PyExc_AttributeError, "%s cannot be deleted", partition_field_name(field));
        return -1;
    }
    const long long v = PyLong_AsLongLong(value);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (field != P_ID && v < 1) {
        PyErr_Format(fcn_py_error, "partition %d: %s must be at least 1, got %lld", self->index,
                     partition_field_name(field), v);
        return -1;
    }
    int64_t *slot = partition_field(p, field);
    const int64_t old = *slot;
    *slot = v;
    if (field == P_WR_FACTOR) {
        fcn_error err;
        if (fcn_network_check(self->owner->net, &err)) {
            *slot = old;
            return raise_error_int(&err);
        }
    }
    return 0;
}

static PyObject *partition_get_wr_layer(PartitionObject *self, void *closure)
{
    (void)closure;
    fcn_partition *p = partition_data(self);
    if (!p)
        return NULL;
    if (!p->wr_layer)
        Py_RETURN_NONE;
    return PyUnicode_FromString(p->wr_layer);
}

static int partition_set_wr_layer(PartitionObject *self, PyObject *value, void *closure)
{
    (void)closure;
    fcn_partition *p = partition_data(self);
    if (!p)
        return -1;
    const char *name = NULL;
    if (value && value != Py_None && !(name = PyUnicode_AsUTF8(value)))
        return -1;
    char *copy = name ? strdup(name) : NULL;
    if (name && !copy) {
        PyErr_NoMemory();
        return -1;
    }
    char *old = p->wr_layer;
    p->wr_layer = copy;
    fcn_error err;
    if (fcn_network_check(self->owner->net, &err)) {
        p->wr_layer = old;
        free(copy);
        return raise_error_int(&err);
    }
    free(old);
    return 0;
}

static PyObject *partition_repr(PartitionObject *self)
{
    const fcn_partition *p = partition_data(self);
    if (!p)
        return NULL;
    return PyUnicode_FromFormat("<fpgaconvnet_c.Partition %d: %d layers, batch %lld, wr_factor %lld>", self->index,
                                p->layer_count, (long long)p->batch_size, (long long)p->wr_factor);
}

static PyMethodDef partition_methods[] = {
    {"get_resource_usage", (PyCFunction)partition_get_resource_usage, METH_NOARGS,
     "get_resource_usage()\n--\n\nThe partition's resources: a dict of LUT, FF, DSP and BRAM (18 Kb blocks)."},
    {"get_interval", (PyCFunction)partition_get_interval, METH_NOARGS,
     "get_interval()\n--\n\nCycles between inputs: the slowest layer's latency."},
    {"get_pipeline_depth", (PyCFunction)partition_get_pipeline_depth, METH_VARARGS,
     "get_pipeline_depth(node=None)\n--\n\nCycles to fill the pipeline (the longest path); `node` is ignored."},
    {"get_latency", (PyCFunction)partition_get_latency, METH_VARARGS,
     "get_latency(freq=None)\n--\n\nSeconds for one batch at `freq` MHz (default: the network's platform freq)."},
    {"get_bandwidth_in", (PyCFunction)partition_get_bandwidth_in, METH_VARARGS,
     "get_bandwidth_in(freq=None)\n--\n\nGB/s read from off-chip memory."},
    {"get_bandwidth_out", (PyCFunction)partition_get_bandwidth_out, METH_VARARGS,
     "get_bandwidth_out(freq=None)\n--\n\nGB/s written to off-chip memory."},
    {"get_total_operations", (PyCFunction)partition_get_total_operations, METH_NOARGS,
     "get_total_operations()\n--\n\nOperations of one input through the partition."},
    {"update", (PyCFunction)partition_nothing, METH_NOARGS,
     "update()\n--\n\nNothing to do: figures follow the data (kept for fpgaconvnet-model's scripts)."},
    {NULL, NULL, 0, NULL}};

static PyGetSetDef partition_getset[] = {
    {"layers", (getter)partition_get_layers, NULL,
     "The layers in hardware order, squeeze layers included where the model inserts them (a new list).", NULL},
    {"id", (getter)partition_get_int, (setter)partition_set_int, "The partition's id.", (void *)(intptr_t)P_ID},
    {"batch_size", (getter)partition_get_int, (setter)partition_set_int, "Inputs a batch.", (void *)(intptr_t)P_BATCH},
    {"wr_factor", (getter)partition_get_int, (setter)partition_set_int, "The weights reloading factor.",
     (void *)(intptr_t)P_WR_FACTOR},
    {"ports", (getter)partition_get_int, (setter)partition_set_int, "Memory ports.", (void *)(intptr_t)P_PORTS},
    {"wr_layer", (getter)partition_get_wr_layer, (setter)partition_set_wr_layer,
     "The layer whose weights are reloaded, or None.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

PyTypeObject PartitionType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "fpgaconvnet_c.Partition",
    .tp_basicsize = sizeof(PartitionObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A partition of a Network (take it from Network.partitions): its figures follow the data.",
    .tp_dealloc = (destructor)partition_dealloc,
    .tp_repr = (reprfunc)partition_repr,
    .tp_methods = partition_methods,
    .tp_getset = partition_getset,
};
