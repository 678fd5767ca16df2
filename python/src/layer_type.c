/*
 * fpgaconvnet_c.Layer: a view of one layer of a Network, as fpgaconvnet-model's layers. Its
 * parameters are attributes (folding factors settable, checked at once); its figures are the
 * seed's methods, computed from the parameters as they are now.
 */
#include "binding.h"

#include <stddef.h>
#include <string.h>

PyObject *layer_new(NetworkObject *owner, int partition, int index)
{
    LayerObject *l = PyObject_New(LayerObject, &LayerType);
    if (!l)
        return NULL;
    Py_INCREF(owner);
    l->owner = owner;
    l->partition = partition;
    l->index = index;
    l->generation = owner->generation;
    memset(&l->squeeze, 0, sizeof l->squeeze);
    return (PyObject *)l;
}

PyObject *squeeze_layer_new(NetworkObject *owner, int partition, const fcn_layer *squeeze)
{
    LayerObject *l = (LayerObject *)layer_new(owner, partition, -1);
    if (l && fcn_layer_copy(&l->squeeze, squeeze)) {
        Py_DECREF(l);
        return PyErr_NoMemory();
    }
    return (PyObject *)l;
}

static void layer_dealloc(LayerObject *self)
{
    fcn_layer_release(&self->squeeze);
    Py_DECREF(self->owner);
    PyObject_Del(self);
}

/* The layer's data (a squeeze's own copy), or NULL with an exception set when the view is stale. */
static fcn_layer *layer_data(LayerObject *self)
{
    if (self->index < 0)
        return &self->squeeze;
    if (view_check(self->owner, self->generation))
        return NULL;
    return &self->owner->net->partitions[self->partition].layers[self->index];
}

static int layer_figures(LayerObject *self, fcn_layer_figures *f)
{
    const fcn_layer *l = layer_data(self);
    if (!l)
        return -1;
    fcn_layer_evaluate(l, f);
    return 0;
}

/* ------------------------------------------------------------ parameters */

typedef enum { WIDE, NARROW } field_size;

/* A settable integer parameter; `shape` marks those that change dims (the whole network is checked then). */
typedef struct int_field {
    const char *name;
    size_t offset;
    field_size size;
    int shape;
} int_field;

#define WIDE_FIELD(member, shape) {#member, offsetof(fcn_layer, member), WIDE, shape}
#define NARROW_FIELD(member, shape) {#member, offsetof(fcn_layer, member), NARROW, shape}

static const int_field int_fields[] = {
    WIDE_FIELD(rows, 1), WIDE_FIELD(cols, 1), WIDE_FIELD(channels, 1), WIDE_FIELD(filters, 1),
    WIDE_FIELD(groups, 1), WIDE_FIELD(coarse_in, 0), WIDE_FIELD(coarse_out, 0), WIDE_FIELD(coarse_group, 0),
    WIDE_FIELD(fine, 0), WIDE_FIELD(pad_top, 1), WIDE_FIELD(pad_right, 1), WIDE_FIELD(pad_bottom, 1),
    WIDE_FIELD(pad_left, 1), WIDE_FIELD(buffer_depth, 0), NARROW_FIELD(data_width, 0),
    NARROW_FIELD(input_width, 0), NARROW_FIELD(output_width, 0), NARROW_FIELD(weight_width, 0),
    NARROW_FIELD(acc_width, 0), NARROW_FIELD(biases_width, 0), NARROW_FIELD(has_bias, 0),
    NARROW_FIELD(data_binary_point, 0), NARROW_FIELD(input_binary_point, 0), NARROW_FIELD(output_binary_point, 0),
    NARROW_FIELD(weight_binary_point, 0), NARROW_FIELD(acc_binary_point, 0), NARROW_FIELD(use_uram, 0),
    NARROW_FIELD(dsp_packing, 0), NARROW_FIELD(use_lutram, 0), WIDE_FIELD(depth, 1), WIDE_FIELD(kernel_depth, 1),
    WIDE_FIELD(stride_depth, 1), WIDE_FIELD(dilation_depth, 1), WIDE_FIELD(pad_front, 1), WIDE_FIELD(pad_back, 1),
};
#define INT_FIELDS ((int)(sizeof int_fields / sizeof int_fields[0]))
/* Pseudo-fields past the table: `coarse` (a one-coarse layer's factor) and the pairs. */
enum { F_COARSE = INT_FIELDS, F_KERNEL, F_STRIDE, F_DILATION, F_PAD };

static long long field_value(const fcn_layer *l, const int_field *f)
{
    const char *base = (const char *)l + f->offset;
    if (f->size == WIDE) {
        int64_t v;
        memcpy(&v, base, sizeof v);
        return (long long)v;
    }
    int v;
    memcpy(&v, base, sizeof v);
    return v;
}

static void field_store(fcn_layer *l, const int_field *f, long long value)
{
    char *base = (char *)l + f->offset;
    if (f->size == WIDE) {
        const int64_t v = (int64_t)value;
        memcpy(base, &v, sizeof v);
    } else {
        const int v = (int)value;
        memcpy(base, &v, sizeof v);
    }
}

static PyObject *pair(const int64_t v[2])
{
    return Py_BuildValue("[LL]", (long long)v[0], (long long)v[1]);
}

static PyObject *layer_get_field(LayerObject *self, void *closure)
{
    const fcn_layer *l = layer_data(self);
    if (!l)
        return NULL;
    const int field = (int)(intptr_t)closure;
    switch (field) {
    case F_COARSE: return PyLong_FromLongLong((long long)l->coarse_in);
    case F_KERNEL: return pair(l->kernel);
    case F_STRIDE: return pair(l->stride);
    case F_DILATION: return pair(l->dilation);
    case F_PAD:
        return Py_BuildValue("[LLLL]", (long long)l->pad_top, (long long)l->pad_right, (long long)l->pad_bottom,
                             (long long)l->pad_left);
    default: return PyLong_FromLongLong(field_value(l, &int_fields[field]));
    }
}

/* A list of n integers into out; -1 with an exception set. */
static int integers(PyObject *value, const char *name, int n, long long *out)
{
    PyObject *seq = PySequence_Fast(value, "");
    if (!seq || PySequence_Fast_GET_SIZE(seq) != n) {
        Py_XDECREF(seq);
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "%s must be a list of %d integers", name, n);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        out[i] = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(seq, i));
        if (out[i] == -1 && PyErr_Occurred()) {
            Py_DECREF(seq);
            return -1;
        }
    }
    Py_DECREF(seq);
    return 0;
}

static const char *field_name(int field)
{
    static const char *pseudo[] = {"coarse", "kernel_size", "stride", "dilation", "pad"};
    return field < INT_FIELDS ? int_fields[field].name : pseudo[field - INT_FIELDS];
}

/* Writes a value into the layer; returns whether it changes dims (the network check is due). */
static int store(fcn_layer *l, int field, const long long *v)
{
    switch (field) {
    case F_COARSE: l->coarse_in = l->coarse_out = v[0]; return 0;
    case F_KERNEL: l->kernel[0] = v[0], l->kernel[1] = v[1]; return 1;
    case F_STRIDE: l->stride[0] = v[0], l->stride[1] = v[1]; return 1;
    case F_DILATION: l->dilation[0] = v[0], l->dilation[1] = v[1]; return 1;
    case F_PAD: l->pad_top = v[0], l->pad_right = v[1], l->pad_bottom = v[2], l->pad_left = v[3]; return 1;
    default: break;
    }
    const int_field *f = &int_fields[field];
    field_store(l, f, v[0]);
    /* A one-coarse layer's coarse_in and coarse_out are its one factor. */
    if (fcn_layer_has_one_coarse(l) && (f->offset == offsetof(fcn_layer, coarse_in) ||
                                        f->offset == offsetof(fcn_layer, coarse_out)))
        l->coarse_in = l->coarse_out = v[0];
    return f->shape;
}

/*
 * Sets a parameter and checks the layer at once (a folding factor that does not divide is refused
 * here, naming the layer, and the layer is left as it was); a parameter that changes dims is checked
 * across the whole network, whose later layers must still take what this one gives.
 */
static int layer_set_field(LayerObject *self, PyObject *value, void *closure)
{
    const int field = (int)(intptr_t)closure;
    if (self->index < 0) {
        PyErr_Format(PyExc_AttributeError, "squeeze layer '%s' is derived by the model: its %s cannot be set",
                     self->squeeze.name ? self->squeeze.name : "", field_name(field));
        return -1;
    }
    fcn_layer *l = layer_data(self);
    if (!l)
        return -1;
    if (!value) {
        PyErr_Format(PyExc_AttributeError, "%s cannot be deleted", field_name(field));
        return -1;
    }
    long long v[4];
    const int n = field == F_PAD ? 4 : field >= F_KERNEL ? 2 : 1;
    if (n == 1) {
        v[0] = PyLong_AsLongLong(value);
        if (v[0] == -1 && PyErr_Occurred())
            return -1;
        if (field < INT_FIELDS && int_fields[field].size == NARROW && (v[0] < INT32_MIN || v[0] > INT32_MAX)) {
            PyErr_Format(fcn_py_error, "partition %d, layer '%s': %s %lld is out of range", self->partition,
                         l->name ? l->name : "", field_name(field), v[0]);
            return -1;
        }
    } else if (integers(value, field_name(field), n, v)) {
        return -1;
    }
    const fcn_layer old = *l;
    const int shape = store(l, field, v);
    fcn_error err;
    if (fcn_layer_check(l, &err) == 0 && (!shape || fcn_network_check(self->owner->net, &err) == 0))
        return 0;
    *l = old;
    if (shape) /* the network check names the place itself */
        return raise_error_int(&err);
    PyErr_Format(fcn_py_error, "partition %d, layer '%s': %s", self->partition, l->name ? l->name : "",
                 err.message);
    return -1;
}

static PyObject *layer_get_name(LayerObject *self, void *closure)
{
    (void)closure;
    const fcn_layer *l = layer_data(self);
    if (!l)
        return NULL;
    return PyUnicode_DecodeUTF8(l->name ? l->name : "", l->name ? (Py_ssize_t)strlen(l->name) : 0, "replace");
}

static PyObject *layer_get_type(LayerObject *self, void *closure)
{
    (void)closure;
    const fcn_layer *l = layer_data(self);
    if (!l)
        return NULL;
    const char *name = fcn_layer_type_name(l->type);
    return PyUnicode_FromString(name ? name : "UNKNOWN");
}

static PyObject *layer_get_ports(LayerObject *self, void *closure)
{
    const fcn_layer *l = layer_data(self);
    if (!l)
        return NULL;
    return PyLong_FromLong(closure ? l->ports_out : l->ports_in);
}

/* ---------------------------------------------------------------- figures */

enum {
    M_ROWS_IN, M_COLS_IN, M_CHANNELS_IN, M_ROWS_OUT, M_COLS_OUT, M_CHANNELS_OUT, M_STREAMS_IN, M_STREAMS_OUT,
    M_WORKLOAD_IN, M_WORKLOAD_OUT, M_SIZE_IN, M_SIZE_OUT, M_PIPELINE_DEPTH, M_OPERATIONS, M_WEIGHTS,
    M_RATE_IN, M_RATE_OUT, M_LATENCY, M_DEPTH_IN, M_DEPTH_OUT
};

static PyObject *figure(LayerObject *self, int which)
{
    const fcn_layer *l = layer_data(self);
    fcn_layer_figures f;
    if (!l || layer_figures(self, &f))
        return NULL;
    long long v;
    switch (which) {
    case M_ROWS_IN: v = l->rows; break;
    case M_COLS_IN: v = l->cols; break;
    case M_CHANNELS_IN: v = l->channels; break;
    case M_ROWS_OUT: v = f.rows_out; break;
    case M_COLS_OUT: v = f.cols_out; break;
    case M_CHANNELS_OUT: v = f.channels_out; break;
    case M_DEPTH_IN: v = l->depth; break;
    case M_DEPTH_OUT: v = f.depth_out; break;
    case M_STREAMS_IN: v = f.streams_in; break;
    case M_STREAMS_OUT: v = f.streams_out; break;
    case M_WORKLOAD_IN: v = f.workload_in; break;
    case M_WORKLOAD_OUT: v = f.workload_out; break;
    case M_SIZE_IN: v = f.size_in; break;
    case M_SIZE_OUT: v = f.size_out; break;
    case M_PIPELINE_DEPTH: v = f.pipeline_depth; break;
    case M_OPERATIONS: v = f.operations; break;
    case M_WEIGHTS: v = f.weights; break;
    case M_RATE_IN: return PyFloat_FromDouble(f.rate_in);
    case M_RATE_OUT: return PyFloat_FromDouble(f.rate_out);
    default: return PyFloat_FromDouble(f.latency);
    }
    return PyLong_FromLongLong(v);
}

#define FIGURE_METHOD(fn, which)                                    \
    static PyObject *fn(LayerObject *self, PyObject *unused)        \
    {                                                               \
        (void)unused;                                               \
        return figure(self, which);                                 \
    }
FIGURE_METHOD(layer_rows_in, M_ROWS_IN)
FIGURE_METHOD(layer_cols_in, M_COLS_IN)
FIGURE_METHOD(layer_channels_in, M_CHANNELS_IN)
FIGURE_METHOD(layer_rows_out, M_ROWS_OUT)
FIGURE_METHOD(layer_cols_out, M_COLS_OUT)
FIGURE_METHOD(layer_channels_out, M_CHANNELS_OUT)
FIGURE_METHOD(layer_depth_in, M_DEPTH_IN)
FIGURE_METHOD(layer_depth_out, M_DEPTH_OUT)
FIGURE_METHOD(layer_streams_in, M_STREAMS_IN)
FIGURE_METHOD(layer_streams_out, M_STREAMS_OUT)
FIGURE_METHOD(layer_workload_in, M_WORKLOAD_IN)
FIGURE_METHOD(layer_workload_out, M_WORKLOAD_OUT)
FIGURE_METHOD(layer_size_in, M_SIZE_IN)
FIGURE_METHOD(layer_size_out, M_SIZE_OUT)
FIGURE_METHOD(layer_pipeline_depth, M_PIPELINE_DEPTH)
FIGURE_METHOD(layer_operations, M_OPERATIONS)
FIGURE_METHOD(layer_weights, M_WEIGHTS)
FIGURE_METHOD(layer_rate_in, M_RATE_IN)
FIGURE_METHOD(layer_rate_out, M_RATE_OUT)
FIGURE_METHOD(layer_latency, M_LATENCY)

static PyObject *layer_resource(LayerObject *self, PyObject *unused)
{
    (void)unused;
    fcn_layer_figures f;
    return layer_figures(self, &f) ? NULL : resource_dict(&f.resource);
}

/* Each module instance's figures (one stream's), for a hardware engineer looking for the cost. */
static PyObject *layer_modules(LayerObject *self, PyObject *unused)
{
    (void)unused;
    fcn_layer_figures f;
    if (layer_figures(self, &f))
        return NULL;
    PyObject *list = PyList_New(f.module_count);
    for (int i = 0; list && i < f.module_count; i++) {
        const fcn_module_figures *m = &f.modules[i];
        PyObject *resource = resource_dict(&m->resource);
        PyObject *d = resource ? Py_BuildValue("{s:s,s:[LLL],s:[LLL],s:d,s:d,s:L,s:L,s:N}", "name", m->name, "dims_in",
                                               (long long)m->rows_in, (long long)m->cols_in, (long long)m->channels_in,
                                               "dims_out", (long long)m->rows_out, (long long)m->cols_out,
                                               (long long)m->channels_out, "rate_in", m->rate_in, "rate_out",
                                               m->rate_out, "latency", (long long)fcn_module_latency(m),
                                               "pipeline_depth", (long long)m->pipeline_depth, "resource", resource)
                                : NULL;
        if (!d) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, d);
    }
    return list;
}

static PyObject *layer_nothing(LayerObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    Py_RETURN_NONE;
}

static PyObject *layer_repr(LayerObject *self)
{
    const fcn_layer *l = layer_data(self);
    if (!l)
        return NULL;
    const char *type = fcn_layer_type_name(l->type);
    return PyUnicode_FromFormat("<fpgaconvnet_c.Layer %s '%s' %lldx%lldx%lld, coarse %lld/%lld>",
                                type ? type : "UNKNOWN", l->name ? l->name : "", (long long)l->rows,
                                (long long)l->cols, (long long)l->channels, (long long)l->coarse_in,
                                (long long)l->coarse_out);
}

#define METHOD(name, fn, doc) {name, (PyCFunction)fn, METH_NOARGS, name "()\n--\n\n" doc}
static PyMethodDef layer_methods[] = {
    METHOD("rows_in", layer_rows_in, "Rows of the input."),
    METHOD("cols_in", layer_cols_in, "Columns of the input."),
    METHOD("channels_in", layer_channels_in, "Channels of the input."),
    METHOD("rows_out", layer_rows_out, "Rows of the output."),
    METHOD("cols_out", layer_cols_out, "Columns of the output."),
    METHOD("channels_out", layer_channels_out, "Channels of the output."),
    METHOD("depth_in", layer_depth_in, "Depth (frames) of the input: 1 for a 2-D layer."),
    METHOD("depth_out", layer_depth_out, "Depth (frames) of the output."),
    METHOD("streams_in", layer_streams_in, "Parallel input streams."),
    METHOD("streams_out", layer_streams_out, "Parallel output streams."),
    METHOD("workload_in", layer_workload_in, "Words in: rows x cols x channels."),
    METHOD("workload_out", layer_workload_out, "Words out."),
    METHOD("size_in", layer_size_in, "Words each input stream carries."),
    METHOD("size_out", layer_size_out, "Words each output stream carries."),
    METHOD("rate_in", layer_rate_in, "Words a cycle each input stream takes."),
    METHOD("rate_out", layer_rate_out, "Words a cycle each output stream gives."),
    METHOD("latency", layer_latency, "Cycles for one input."),
    METHOD("pipeline_depth", layer_pipeline_depth, "Cycles to fill the layer's pipeline."),
    METHOD("resource", layer_resource, "A dict of LUT, FF, DSP and BRAM."),
    METHOD("get_operations", layer_operations, "Operations for one input."),
    METHOD("get_weights", layer_weights, "Weights the layer holds."),
    METHOD("modules", layer_modules, "Each module instance's figures: a list of dicts."),
    METHOD("update", layer_nothing, "Nothing to do: figures follow the parameters (kept for old scripts)."),
    {NULL, NULL, 0, NULL}};

#define FIELD(name, doc, id) {name, (getter)layer_get_field, (setter)layer_set_field, doc, (void *)(intptr_t)(id)}
static PyGetSetDef layer_getset[] = {
    {"name", (getter)layer_get_name, NULL, "The layer's name.", NULL},
    {"type", (getter)layer_get_type, NULL, "The layer type's name: CONVOLUTION, POOLING, RELU, SQUEEZE, ...", NULL},
    {"ports_in", (getter)layer_get_ports, NULL, "Input ports.", NULL},
    {"ports_out", (getter)layer_get_ports, NULL, "Output ports.", (void *)1},
    FIELD("rows", "Rows of the input.", 0),
    FIELD("cols", "Columns of the input.", 1),
    FIELD("channels", "Channels of the input.", 2),
    FIELD("filters", "Output channels of a CONVOLUTION or INNER_PRODUCT.", 3),
    FIELD("groups", "Groups of a CONVOLUTION (depthwise: groups == channels).", 4),
    FIELD("coarse_in", "Input streams (folding); a one-coarse layer's coarse_in and coarse_out are one.", 5),
    FIELD("coarse_out", "Output streams (folding).", 6),
    FIELD("coarse_group", "Groups computed in parallel (folding).", 7),
    FIELD("fine", "Kernel taps computed in parallel (folding): 1, k0 or k0*k1.", 8),
    FIELD("pad_top", "Padding above.", 9),
    FIELD("pad_right", "Padding right.", 10),
    FIELD("pad_bottom", "Padding below.", 11),
    FIELD("pad_left", "Padding left.", 12),
    FIELD("buffer_depth", "A SQUEEZE's buffer depth.", 13),
    FIELD("data_width", "Bits of a data word.", 14),
    FIELD("input_width", "Bits of an input word.", 15),
    FIELD("output_width", "Bits of an output word.", 16),
    FIELD("weight_width", "Bits of a weight.", 17),
    FIELD("acc_width", "Bits of an accumulator.", 18),
    FIELD("biases_width", "Bits of a bias.", 19),
    FIELD("has_bias", "1 if the layer adds a bias.", 20),
    FIELD("data_binary_point", "Fraction bits of a data word.", 21),
    FIELD("input_binary_point", "Fraction bits of an input word.", 22),
    FIELD("output_binary_point", "Fraction bits of an output word.", 23),
    FIELD("weight_binary_point", "Fraction bits of a weight.", 24),
    FIELD("acc_binary_point", "Fraction bits of an accumulator.", 25),
    FIELD("use_uram", "1 if the weights are held in URAM instead of BRAM.", 26),
    FIELD("dsp_packing", "1 if multipliers share DSPs by operand width (2 at <= 8 bits, 4 at <= 4).", 27),
    FIELD("use_lutram", "1 if shallow RAMs and FIFOs are held in LUTRAM instead of BRAM (upstream's thresholds).", 28),
    FIELD("depth", "Depth (frames) of the input: 1 for a 2-D layer.", 29),
    FIELD("kernel_depth", "A 3-D window's depth.", 30),
    FIELD("stride_depth", "A 3-D window's stride over depth.", 31),
    FIELD("dilation_depth", "A 3-D window's dilation over depth.", 32),
    FIELD("pad_front", "Padding before the first frame.", 33),
    FIELD("pad_back", "Padding after the last frame.", 34),
    FIELD("coarse", "A one-coarse layer's folding factor (coarse_in == coarse_out).", F_COARSE),
    FIELD("kernel_size", "[rows, cols] of the window.", F_KERNEL),
    FIELD("stride", "[rows, cols] of the stride.", F_STRIDE),
    FIELD("dilation", "[rows, cols] of the dilation.", F_DILATION),
    FIELD("pad", "[top, right, bottom, left] padding.", F_PAD),
    {NULL, NULL, NULL, NULL, NULL}};

PyTypeObject LayerType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "fpgaconvnet_c.Layer",
    .tp_basicsize = sizeof(LayerObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A layer of a partition (take it from Partition.layers). Setting a parameter checks it at once\n"
              "(fpgaconvnet_c.Error names the layer) and the next figure asked for follows it. Squeeze layers\n"
              "are the model's, read-only snapshots.",
    .tp_dealloc = (destructor)layer_dealloc,
    .tp_repr = (reprfunc)layer_repr,
    .tp_methods = layer_methods,
    .tp_getset = layer_getset,
};
