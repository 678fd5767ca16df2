/* The network (MODEL.md §5): partitions run one after another, with a reconfiguration between each. */
#include <math.h>
#include <stdlib.h>

#include "error.h"
#include "partition.h"
#include "resource.h"
#include "schedule.h"

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

/* Partitions run one after another, with a reconfiguration between each two. */
static double network_latency(double partitions_latency_s, int partition_count, double reconf_time_s)
{
    return partitions_latency_s + (partition_count - 1) * reconf_time_s;
}

static void network_totals(fcn_network_figures *out)
{
    int64_t words_in = 0, words_out = 0;
    out->latency_s = 0;
    for (int i = 0; i < out->partition_count; i++) {
        const fcn_partition_figures *p = &out->partitions[i];
        out->latency_s += p->latency_s;
        out->operations += p->operations;
        resource_max(&out->resource, &p->resource);
        words_in = max64(words_in, p->workload_in * p->batch_size);
        words_out = max64(words_out, p->workload_out * p->batch_size * p->wr_factor);
    }
    out->latency_s = network_latency(out->latency_s, out->partition_count, out->reconf_time_s);
    out->throughput = (double)out->batch_size / out->latency_s;
    /* A tensor a later partition reads stays in memory until then: a DAG takes what its schedule lays out. */
    out->memory_usage_bytes = schedule_is_chain(out) ? (int64_t)ceil((double)(words_in + words_out) * 16 / 8)
                                                     : schedule_dag_bytes(out);
}

int fcn_network_evaluate(const fcn_network *net, const fcn_eval_options *opts, fcn_network_figures *out,
                         fcn_error *err)
{
    *out = (fcn_network_figures){0};
    return fcn_network_evaluate_into(net, opts, out, err);
}

/* Room for `count` partitions' figures, keeping those allocated (their blocks are reused); -1 if it cannot be had. */
static int reserve_partitions(fcn_network_figures *out, int count)
{
    if (out->partition_capacity >= count)
        return 0;
    fcn_partition_figures *grown = realloc(out->partitions, (size_t)count * sizeof *grown);
    if (!grown)
        return -1;
    for (int i = out->partition_capacity; i < count; i++)
        grown[i] = (fcn_partition_figures){0};
    out->partitions = grown;
    out->partition_capacity = count;
    return 0;
}

int fcn_network_evaluate_into(const fcn_network *net, const fcn_eval_options *opts, fcn_network_figures *out,
                              fcn_error *err)
{
    /* Field by field, keeping the memory: a whole-struct literal compiles to rep stos, slow to start. */
    if (!out->partitions)
        out->partition_capacity = 0;
    out->latency_s = out->throughput = 0.0;
    out->batch_size = 0;
    out->freq_mhz = opts->freq_mhz;
    out->reconf_time_s = opts->reconf_time_s;
    out->operations = 0;
    out->memory_usage_bytes = 0;
    out->resource = (fcn_resource){0};
    out->partition_count = 0;
    if (net->partition_count < 1) {
        fcn_network_figures_free(out);
        return fcn_fail(err, "the network has no partitions");
    }
    if (reserve_partitions(out, net->partition_count)) {
        fcn_network_figures_free(out);
        return fcn_fail(err, "out of memory evaluating the network");
    }
    out->partition_count = net->partition_count;
    fcn_layer squeeze; /* made once for every partition's squeezes */
    partition_squeeze_template(&squeeze);
    for (int i = 0; i < net->partition_count; i++)
        if (partition_evaluate(net, i, opts, &squeeze, &out->partitions[i])) {
            fcn_network_figures_free(out);
            return fcn_fail(err, "out of memory evaluating partition %d", i);
        }
    out->batch_size = opts->batch_size > 0 ? opts->batch_size : out->partitions[0].batch_size;
    network_totals(out);
    return 0;
}

double fcn_network_latency(const fcn_network *net, const fcn_eval_options *opts, const int *partitions, int count)
{
    if (!partitions)
        count = net->partition_count;
    double sum = 0;
    for (int i = 0; i < count; i++) {
        fcn_partition_figures f;
        fcn_partition_summary(&net->partitions[partitions ? partitions[i] : i], opts, &f);
        sum += f.latency_s;
    }
    return network_latency(sum, count, opts->reconf_time_s);
}

void fcn_network_figures_free(fcn_network_figures *figures)
{
    if (!figures || !figures->partitions)
        return;
    /* Entries past the count may hold blocks of an earlier, larger evaluation (fcn_network_evaluate_into). */
    const int allocated =
        figures->partition_capacity > figures->partition_count ? figures->partition_capacity : figures->partition_count;
    for (int i = 0; i < allocated; i++)
        partition_figures_release(&figures->partitions[i]);
    free(figures->partitions);
    figures->partitions = NULL;
    figures->partition_count = figures->partition_capacity = 0;
}
