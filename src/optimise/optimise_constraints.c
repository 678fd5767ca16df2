/*
 * What every design the optimiser accepts satisfies, checked as fcn_validate
 * checks it: resources within the allocation, memory bandwidth, ports and
 * streams, memory tensors per partition within the ports. And the smallest design, which tells whether anything fits at all.
 */
#include <stdio.h>

#include "error.h"
#include "optimise.h"

static const char *const RESOURCE_NAMES[OPT_RESOURCES] = {"LUT", "FF", "DSP", "BRAM", "URAM"};

static void resource_used(const fcn_partition_figures *f, int64_t used[OPT_RESOURCES])
{
    used[OPT_LUT] = f->resource.lut;
    used[OPT_FF] = f->resource.ff;
    used[OPT_DSP] = f->resource.dsp;
    used[OPT_BRAM] = f->resource.bram;
    used[OPT_URAM] = f->resource.uram;
}

static int64_t max_streams(const fcn_partition_figures *f)
{
    return f->streams_in > f->streams_out ? f->streams_in : f->streams_out;
}

int opt_partition_fits(const opt_problem *pb, const fcn_partition_figures *f)
{
    int64_t used[OPT_RESOURCES];
    resource_used(f, used);
    for (int r = 0; r < OPT_RESOURCES; r++)
        if ((double)used[r] > pb->limit[r])
            return 0;
    if (pb->mem_bandwidth_gbs > 0 && f->bandwidth_in + f->bandwidth_out > pb->mem_bandwidth_gbs)
        return 0;
    /* Each tensor a partition reads or writes through memory needs a port of its own (MODEL-DAG §9). */
    if (f->inputs > pb->max_ports || f->outputs > pb->max_ports)
        return 0;
    return f->ports <= pb->max_ports && max_streams(f) <= f->ports * pb->words_per_port;
}

/* The tensors partition start..end-1 reads from and writes to memory (MODEL-DAG §8.1). */
static void memory_tensors(const opt_problem *pb, int start, int end, int *in, int *out)
{
    *in = *out = 0;
    for (int i = start; i < end; i++) {
        const fcn_layer *l = &pb->model[i];
        for (int port = 0; port < l->ports_in; port++) {
            const int back = fcn_layer_input(l, port);
            *in += back == 0 || back > i - start;
        }
        *out += l->ports_out - opt_inner_consumers(pb, i, end);
    }
}

/* Closes partition p into its neighbour after (dir > 0) or before it. */
static void join_neighbour(opt_design *d, int p, int dir)
{
    const int gone = dir > 0 ? p + 1 : p;
    for (int q = gone; q < d->partition_count; q++)
        d->start[q] = d->start[q + 1];
    d->partition_count--;
}

/*
 * Each layer its own partition, but where a layer reads or writes more tensors than the board has
 * ports: a SPLIT takes its consumers in until its partition writes few enough, a join takes its
 * producers in until it reads few enough.
 */
static void fit_ports(opt_design *d, const opt_problem *pb)
{
    for (int p = 0; p < d->partition_count && d->partition_count > 1;) {
        int in, out;
        memory_tensors(pb, d->start[p], d->start[p + 1], &in, &out);
        if (out > pb->max_ports && p + 1 < d->partition_count)
            join_neighbour(d, p, 1);
        else if (in > pb->max_ports && p > 0)
            join_neighbour(d, p--, -1);
        else
            p++;
    }
}

void opt_smallest_design(opt_design *d, opt_problem *pb)
{
    const int n = pb->layer_count;
    d->partition_count = pb->one_partition ? 1 : n;
    d->ports = 1;
    for (int i = 0; i < n; i++) {
        d->start[i] = pb->one_partition ? 0 : i;
        d->fold[i] = OPT_FOLD_ONE;
    }
    d->start[d->partition_count] = n;
    fit_ports(d, pb);
    for (int p = 0; p < d->partition_count; p++)
        d->wr[p] = opt_max_wr(pb, opt_wr_layer(pb, d->start[p], d->start[p + 1]));
    opt_design_refresh_all(d, pb);
}

/* worst_excess's `what` for the memory bandwidth: past the resources. */
#define EXCESS_BANDWIDTH OPT_RESOURCES

/* How far partition p exceeds its worst limit, as a ratio (> 1 when it does not fit); `what` names the limit. */
static double worst_excess(const opt_problem *pb, const fcn_partition_figures *f, int *what)
{
    int64_t used[OPT_RESOURCES];
    resource_used(f, used);
    double worst = 0;
    *what = -1;
    for (int r = 0; r < OPT_RESOURCES; r++) {
        double ratio = pb->limit[r] > 0 ? (double)used[r] / pb->limit[r] : used[r] > 0 ? 1e300 : 0;
        if (ratio > worst) {
            worst = ratio;
            *what = r;
        }
    }
    if (pb->mem_bandwidth_gbs > 0 && (f->bandwidth_in + f->bandwidth_out) / pb->mem_bandwidth_gbs > worst) {
        worst = (f->bandwidth_in + f->bandwidth_out) / pb->mem_bandwidth_gbs;
        *what = EXCESS_BANDWIDTH;
    }
    return worst;
}

/* "layer 'x'" for a partition of one layer, "the whole network" when one partition holds it all, else its ends. */
static void partition_name(const opt_design *d, const opt_problem *pb, int p, char *out, size_t size)
{
    const int s = d->start[p], e = d->start[p + 1];
    if (e - s == 1)
        snprintf(out, size, "layer '%s'", pb->model[s].name);
    else if (e - s == pb->layer_count)
        snprintf(out, size, "the whole network%s", pb->one_partition ? " in one partition" : "");
    else
        snprintf(out, size, "layers '%s' to '%s'%s", pb->model[s].name, pb->model[e - 1].name,
                 pb->one_partition ? " in one partition" : "");
}

static int fail_resource(const opt_problem *pb, const fcn_partition_figures *f, int r, const char *board,
                         const char *what, int forced, fcn_error *err)
{
    int64_t used[OPT_RESOURCES];
    resource_used(f, used);
    double over = (double)used[r] - pb->limit[r];
    char excess[160];
    snprintf(excess, sizeof excess, "%.4g (%.0f%%) more than the %.4g allowed (%g of the platform's %lld)", over,
             pb->limit[r] > 0 ? 100.0 * over / pb->limit[r] : 100.0, pb->limit[r], pb->allocation,
             (long long)pb->have[r]);
    /* Layers share a partition in the smallest design only because the ports make them: then the ports bind. */
    if (forced)
        return fcn_fail(err,
                        "nothing fits on %s: with %lld memory port%s, a partition reads and writes at most %lld "
                        "tensor%s through memory, so %s must stay together, and even with every folding factor 1 "
                        "and weights reloading factor %lld they need %s %lld, %s",
                        board, (long long)pb->max_ports, pb->max_ports == 1 ? "" : "s", (long long)pb->max_ports,
                        pb->max_ports == 1 ? "" : "s", what, (long long)f->wr_factor, RESOURCE_NAMES[r],
                        (long long)used[r], excess);
    return fcn_fail(err,
                    "nothing fits on %s: even the smallest design (every folding factor 1, %s, weights reloading "
                    "factor %lld) needs %s %lld for %s, %s",
                    board, pb->one_partition ? "one partition" : "each layer its own partition",
                    (long long)f->wr_factor, RESOURCE_NAMES[r], (long long)used[r], what, excess);
}

int opt_check_smallest(const opt_design *d, const opt_problem *pb, const char *board, fcn_error *err)
{
    int worst_p = -1, worst_what = -1;
    double worst = 1;
    for (int p = 0; p < d->partition_count; p++) {
        int what;
        double excess = worst_excess(pb, &d->summary[p], &what);
        if (!d->fits[p] && (worst_p < 0 || excess > worst)) {
            worst_p = p;
            worst_what = what;
            worst = excess;
        }
    }
    if (worst_p < 0)
        return 0;
    const fcn_partition_figures *f = &d->summary[worst_p];
    char what[300];
    partition_name(d, pb, worst_p, what, sizeof what);
    if (worst_what >= 0 && worst_what < OPT_RESOURCES && worst > 1)
        return fail_resource(pb, f, worst_what, board, what,
                             !pb->one_partition && d->start[worst_p + 1] - d->start[worst_p] > 1, err);
    if (worst_what == EXCESS_BANDWIDTH && worst > 1) {
        double need = f->bandwidth_in + f->bandwidth_out;
        return fcn_fail(err,
                        "nothing fits on %s: even with every folding factor 1, %s needs %.4g GB/s of memory "
                        "bandwidth, %.4g GB/s more than the platform's %.4g",
                        board, what, need, need - pb->mem_bandwidth_gbs, pb->mem_bandwidth_gbs);
    }
    const int tensors = f->inputs > f->outputs ? f->inputs : f->outputs;
    if (tensors > pb->max_ports)
        return fcn_fail(err,
                        "nothing fits on %s: even the smallest design has %s %s %d tensors through memory, "
                        "more than the platform's %lld ports",
                        board, what, f->inputs > f->outputs ? "reading" : "writing", tensors,
                        (long long)pb->max_ports);
    return fcn_fail(err, "nothing fits on %s: its ports of %lld bits cannot carry one 16-bit stream", board,
                    (long long)pb->port_width);
}
