/*
 * What the searches share: the current and candidate designs, the best design
 * found, the clock (read only to stop), and the progress callback.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "optimise.h"
#include "resource.h"

double opt_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int snapshot_alloc(opt_snapshot *b, int layers)
{
    *b = (opt_snapshot){0};
    b->start = calloc((size_t)layers + 2, sizeof *b->start);
    b->wr = calloc((size_t)layers + 1, sizeof *b->wr);
    b->fold = calloc((size_t)layers + 1, sizeof *b->fold);
    return b->start && b->wr && b->fold ? 0 : -1;
}

int opt_search_init(opt_search *s, opt_problem *pb, const fcn_optimise_options *opts)
{
    memset(s, 0, sizeof *s);
    s->pb = pb;
    s->opts = opts;
    opt_rng_seed(&s->rng, opts->seed);
    s->start_time = opt_now();
    s->deadline = s->start_time + opts->time_limit_s;
    s->partition_by_dp = opts->partition_by_dp != 0;
    int failed = opt_design_alloc(&s->cur, pb);
    failed |= opt_design_alloc(&s->cand, pb);
    failed |= snapshot_alloc(&s->best, pb->layer_count);
    failed |= opt_chain_alloc(&s->chain, pb->layer_count);
    s->best.latency_s = -1; /* none yet */
    return failed ? -1 : 0;
}

void opt_search_free(opt_search *s)
{
    opt_design_free(&s->cur);
    opt_design_free(&s->cand);
    opt_chain_free(&s->chain);
    free(s->best.start);
    free(s->best.wr);
    free(s->best.fold);
}

int opt_search_should_stop(opt_search *s)
{
    if (!s->stopped && s->shared && opt_shared_stopped(s->shared))
        s->stopped = 1;
    if (!s->stopped && opt_now() >= s->deadline)
        s->stopped = s->stopped_by_time = 1;
    return s->stopped;
}

static fcn_resource max_resource(const opt_design *d)
{
    fcn_resource r = {0};
    for (int p = 0; p < d->partition_count; p++)
        resource_max(&r, &d->summary[p].resource);
    return r;
}

void opt_search_note(opt_search *s)
{
    const opt_design *d = &s->cur;
    opt_snapshot *b = &s->best;
    if (d->misfits || (b->latency_s >= 0 && !(d->latency_s < b->latency_s)))
        return;
    b->partition_count = d->partition_count;
    b->ports = d->ports;
    b->latency_s = d->latency_s;
    b->resource = max_resource(d);
    memcpy(b->start, d->start, (size_t)(d->partition_count + 1) * sizeof *b->start);
    memcpy(b->wr, d->wr, (size_t)d->partition_count * sizeof *b->wr);
    memcpy(b->fold, d->fold, (size_t)s->pb->layer_count * sizeof *b->fold);
}

void opt_search_restore_best(opt_search *s, opt_design *d)
{
    const opt_snapshot *b = &s->best;
    d->partition_count = b->partition_count;
    d->ports = b->ports;
    memcpy(d->start, b->start, (size_t)(b->partition_count + 1) * sizeof *d->start);
    memcpy(d->wr, b->wr, (size_t)b->partition_count * sizeof *d->wr);
    memcpy(d->fold, b->fold, (size_t)s->pb->layer_count * sizeof *d->fold);
    opt_design_refresh_all(d, s->pb);
}

double opt_objective(const opt_search *s, double latency_s)
{
    if (s->opts->objective == FCN_OBJECTIVE_LATENCY)
        return latency_s;
    return latency_s > 0 ? (double)s->pb->eval.batch_size / latency_s : 0;
}

void opt_search_report(opt_search *s, const char *phase, double temperature)
{
    if (!s->opts->progress)
        return;
    fcn_optimise_progress p = {
        .phase = phase,
        .elapsed_s = opt_now() - s->start_time,
        .temperature = temperature,
        .current_objective = opt_objective(s, s->cur.latency_s),
        .best_objective = opt_objective(s, s->best.latency_s),
        .best_resource = s->best.resource,
        .best_partitions = s->best.partition_count,
        .iterations = s->iterations,
        .layer_evaluations = s->pb->layer_evaluations,
    };
    if (s->opts->progress(&p, s->opts->user))
        s->stopped = 1;
}
