/* The module's functions: the optimiser (run without the GIL, with a Python progress callback) and parse_ops. */
#include "binding.h"

#include <stdlib.h>
#include <string.h>

/* What the search's progress callback needs to call back into Python. */
typedef struct callback_state {
    PyObject *callback;  /* may be NULL: then only Ctrl-C is watched */
    /* Raised by the callback, or KeyboardInterrupt: re-raised once the search is over. */
    PyObject *type, *value, *traceback;
} callback_state;

static PyObject *progress_dict(const fcn_optimise_progress *p)
{
    PyObject *resource = resource_dict(&p->best_resource);
    if (!resource)
        return NULL;
    return Py_BuildValue("{s:s,s:d,s:d,s:d,s:d,s:N,s:i,s:L,s:L}", "phase", p->phase, "elapsed_s", p->elapsed_s,
                         "temperature", p->temperature, "current_objective", p->current_objective, "best_objective",
                         p->best_objective, "best_resource", resource, "best_partitions", p->best_partitions,
                         "iterations", (long long)p->iterations, "layer_evaluations", (long long)p->layer_evaluations);
}

/* Runs with the GIL released around it: takes the GIL for Python, and stops the search on any exception. */
static int on_progress(const fcn_optimise_progress *progress, void *user)
{
    callback_state *s = user;
    PyGILState_STATE gil = PyGILState_Ensure();
    int stop = 0;
    if (PyErr_CheckSignals() < 0) {
        stop = 1;
    } else if (s->callback) {
        PyObject *dict = progress_dict(progress);
        PyObject *result = dict ? PyObject_CallOneArg(s->callback, dict) : NULL;
        Py_XDECREF(dict);
        stop = !result || PyObject_IsTrue(result) != 0;
        Py_XDECREF(result);
    }
    if (PyErr_Occurred() && !s->type)
        PyErr_Fetch(&s->type, &s->value, &s->traceback);
    PyErr_Clear();
    PyGILState_Release(gil);
    return stop;
}

/* The model to search: an ONNX path (parsed) or a Network (copied, so that Python may change it meanwhile). */
static int optimise_model(PyObject *arg, fcn_network **model, PyObject **name)
{
    if (PyObject_TypeCheck(arg, &NetworkType)) {
        NetworkObject *n = (NetworkObject *)arg;
        if (!n->net) {
            PyErr_SetString(fcn_py_error, "the Network has no configuration (Network.__init__ did not run)");
            return -1;
        }
        *model = fcn_network_clone(n->net);
        if (!*model) {
            PyErr_NoMemory();
            return -1;
        }
        Py_INCREF(n->name);
        *name = n->name;
        return 0;
    }
    PyObject *bytes = path_bytes(arg);
    if (!bytes)
        return -1;
    fcn_error err;
    Py_BEGIN_ALLOW_THREADS
    *model = fcn_onnx_parse(PyBytes_AS_STRING(bytes), NULL, &err);
    Py_END_ALLOW_THREADS
    if (!*model) {
        Py_DECREF(bytes);
        return raise_error_int(&err);
    }
    /* Named as the file, without its directory and extension. */
    const char *path = PyBytes_AS_STRING(bytes), *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    *name = PyUnicode_DecodeFSDefaultAndSize(base, dot && dot != base ? dot - base : (Py_ssize_t)strlen(base));
    Py_DECREF(bytes);
    if (!*name) {
        fcn_network_free(*model);
        return -1;
    }
    return 0;
}

/* What optimise() and bound() share: the objective, batch, clock and board into `opts`, the board, the model. */
static int search_inputs(PyObject *model_arg, PyObject *platform_arg, const char *objective, long long batch_size,
                         double freq, double reconf_time, fcn_optimise_options *opts, fcn_platform *board,
                         fcn_network **model, PyObject **name)
{
    if (fcn_objective_from_name(objective, &opts->objective)) {
        PyErr_Format(fcn_py_error, "objective '%s' is neither 'throughput' nor 'latency'", objective);
        return -1;
    }
    opts->batch_size = batch_size;
    opts->freq_mhz = freq;
    opts->reconf_time_s = reconf_time;
    if (platform_argument(platform_arg, board))
        return -1;
    return optimise_model(model_arg, model, name);
}

PyObject *py_optimise(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    static char *keywords[] = {"model", "platform", "objective", "time_limit", "seed", "callback", "batch_size",
                               "resource_allocation", "iterations", "optimiser", "name", "freq", "reconf_time",
                               "threads", "partition_by_dp", NULL};
    PyObject *model_arg, *platform_arg, *callback = Py_None, *name_arg = NULL;
    const char *objective = "throughput", *optimiser = "auto";
    fcn_optimise_options opts;
    fcn_optimise_options_init(&opts);
    unsigned long long seed = opts.seed;
    long long batch_size = 0, iterations = 0;
    double freq = -1, reconf_time = -1;
    int threads = 1, partition_by_dp = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|sdKOLdLsUddip:optimise", keywords, &model_arg, &platform_arg,
                                     &objective, &opts.time_limit_s, &seed, &callback, &batch_size,
                                     &opts.resource_allocation, &iterations, &optimiser, &name_arg, &freq, &reconf_time,
                                     &threads, &partition_by_dp))
        return NULL;
    if (threads < 1 || threads > FCN_MAX_THREADS)
        return PyErr_Format(fcn_py_error, "threads %d is outside 1..%d", threads, FCN_MAX_THREADS);
    opts.threads = threads;
    opts.partition_by_dp = partition_by_dp;
    if (callback != Py_None && !PyCallable_Check(callback))
        return PyErr_Format(PyExc_TypeError, "callback must be callable or None");
    if (fcn_optimiser_from_name(optimiser, &opts.optimiser))
        return PyErr_Format(fcn_py_error, "optimiser '%s' is none of auto, greedy, annealing", optimiser);
    opts.seed = seed;
    opts.iterations = iterations;
    fcn_platform board;
    fcn_network *model = NULL;
    PyObject *name = NULL;
    if (search_inputs(model_arg, platform_arg, objective, batch_size, freq, reconf_time, &opts, &board, &model, &name))
        return NULL;
    callback_state state = {.callback = callback == Py_None ? NULL : callback};
    opts.progress = on_progress;
    opts.user = &state;
    fcn_error err;
    fcn_network *best;
    Py_BEGIN_ALLOW_THREADS
    best = fcn_optimise(model, &board, &opts, NULL, &err);
    Py_END_ALLOW_THREADS
    if (state.type) { /* the callback's exception (or Ctrl-C) wins over the result */
        fcn_network_free(best);
        fcn_network_free(model);
        Py_DECREF(name);
        PyErr_Restore(state.type, state.value, state.traceback);
        return NULL;
    }
    if (!best) {
        fcn_network_free(model);
        Py_DECREF(name);
        return raise_error(&err);
    }
    /* The design is evaluated at the clock and reconfiguration time it was searched for. */
    const double design_freq = freq > 0 ? freq : board.freq_mhz > 0 ? board.freq_mhz : 125;
    const double design_reconf = reconf_time >= 0 ? reconf_time : board.reconf_time_s >= 0 ? board.reconf_time_s : 0;
    NetworkObject *n = (NetworkObject *)network_wrap(best, model, name_arg ? name_arg : name, design_freq, design_reconf);
    Py_DECREF(name);
    if (!n)
        return NULL;
    PyObject *freq_value = PyFloat_FromDouble(design_freq);
    const int failed = !freq_value || platform_dict_update(n->platform, &board) ||
                       PyDict_SetItemString(n->platform, "freq", freq_value) < 0;
    Py_XDECREF(freq_value);
    if (failed) {
        Py_DECREF(n);
        return NULL;
    }
    n->board = board;
    n->has_platform = 1;
    return (PyObject *)n;
}

/* The model's bound on a board (docs/OPTIMISER-BOUND.md) as a dict. */
PyObject *py_bound(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    static char *keywords[] = {"model", "platform", "objective", "batch_size", "resource_allocation", "freq",
                               "reconf_time", NULL};
    PyObject *model_arg, *platform_arg;
    const char *objective = "throughput";
    fcn_optimise_options opts;
    fcn_optimise_options_init(&opts);
    long long batch_size = 0;
    double freq = -1, reconf_time = -1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|sLddd:bound", keywords, &model_arg, &platform_arg, &objective,
                                     &batch_size, &opts.resource_allocation, &freq, &reconf_time))
        return NULL;
    fcn_platform board;
    fcn_network *model = NULL;
    PyObject *name = NULL;
    if (search_inputs(model_arg, platform_arg, objective, batch_size, freq, reconf_time, &opts, &board, &model, &name))
        return NULL;
    Py_DECREF(name);
    fcn_bound b;
    fcn_error err;
    const int failed = fcn_optimise_bound(model, &board, &opts, &b, &err);
    fcn_network_free(model);
    if (failed)
        return raise_error(&err);
    return Py_BuildValue("{s:L,s:d,s:d,s:d,s:d,s:i,s:i,s:d,s:d,s:i,s:s}", "batch_size", (long long)b.batch_size,
                         "throughput", b.throughput, "latency_s", b.latency_s, "compute_s", b.compute_s, "forced_s",
                         b.forced_s, "forced_partitions", b.forced_partitions, "forced_reloads", b.forced_reloads,
                         "cycles_per_input", b.cycles_per_input, "partitions_s", b.partitions_s, "partitions_count",
                         b.partitions_count, "binds",
                         b.partitions_bind ? "partitioning" : fcn_bound_limit_name(b.binds));
}

PyObject *py_parse_ops(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    static char *keywords[] = {"onnx_path", NULL};
    PyObject *path;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:parse_ops", keywords, &path))
        return NULL;
    PyObject *bytes = path_bytes(path);
    if (!bytes)
        return NULL;
    fcn_onnx_op *ops = NULL;
    int count = 0;
    fcn_error err;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = fcn_onnx_list_ops(PyBytes_AS_STRING(bytes), &ops, &count, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(bytes);
    if (rc)
        return raise_error(&err);
    PyObject *list = PyList_New(count);
    for (int i = 0; list && i < count; i++) {
        PyObject *d = Py_BuildValue("{s:s,s:i,s:O,s:s}", "op_type", ops[i].op_type, "count", ops[i].count,
                                    "supported", ops[i].supported ? Py_True : Py_False, "becomes", ops[i].becomes);
        if (!d) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, d);
    }
    free(ops);
    return list;
}
