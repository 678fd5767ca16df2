/*
 * fcn_optimise: from the smallest design (every folding 1, each layer its own
 * partition, the largest weights-reloading factors), the greedy pass and/or
 * simulated annealing search for the configuration with the shortest network
 * latency at the objective's batch size that satisfies every constraint.
 */
#include <string.h>

#include "error.h"
#include "optimise.h"

/* The defaults README.md documents. */
#define DEFAULT_ALLOCATION 0.8
#define DEFAULT_TIME_LIMIT_S 30.0
#define DEFAULT_T_START 0.05
#define DEFAULT_T_END 1e-4
#define DEFAULT_COOLING 0.97
#define DEFAULT_ITERATIONS_PER_T 2000

void fcn_optimise_options_init(fcn_optimise_options *o)
{
    *o = (fcn_optimise_options){
        .objective = FCN_OBJECTIVE_THROUGHPUT,
        .optimiser = FCN_OPTIMISER_AUTO,
        .resource_allocation = DEFAULT_ALLOCATION,
        .seed = 1,
        .time_limit_s = DEFAULT_TIME_LIMIT_S,
        .reconf_time_s = -1,
        .temperature_start = DEFAULT_T_START,
        .temperature_end = DEFAULT_T_END,
        .cooling_rate = DEFAULT_COOLING,
        .iterations_per_temperature = DEFAULT_ITERATIONS_PER_T,
    };
}

int fcn_objective_from_name(const char *name, fcn_objective *out)
{
    if (strcmp(name, "throughput") == 0)
        *out = FCN_OBJECTIVE_THROUGHPUT;
    else if (strcmp(name, "latency") == 0)
        *out = FCN_OBJECTIVE_LATENCY;
    else
        return -1;
    return 0;
}

int fcn_optimiser_from_name(const char *name, fcn_optimiser *out)
{
    if (strcmp(name, "auto") == 0)
        *out = FCN_OPTIMISER_AUTO;
    else if (strcmp(name, "greedy") == 0)
        *out = FCN_OPTIMISER_GREEDY;
    else if (strcmp(name, "annealing") == 0)
        *out = FCN_OPTIMISER_ANNEALING;
    else
        return -1;
    return 0;
}

static void run_search(opt_search *s)
{
    const fcn_optimiser which = s->opts->optimiser;
    if (which != FCN_OPTIMISER_ANNEALING)
        opt_greedy(s);
    if (which != FCN_OPTIMISER_GREEDY && !s->stopped)
        opt_anneal(s);
    opt_search_note(s);
    if (!s->stopped)
        opt_polish(s);
    opt_search_report(s, "done", 0);
}

int opt_search_run(opt_search *s, const fcn_platform *platform, fcn_error *err)
{
    opt_smallest_design(&s->cur, s->pb);
    if (opt_check_smallest(&s->cur, s->pb, platform->name[0] ? platform->name : "the platform", err))
        return -1;
    s->start_objective = opt_objective(s, s->cur.latency_s);
    run_search(s);
    return 0;
}

fcn_network *opt_search_result(opt_search *s, const fcn_platform *platform, fcn_optimise_stats *stats,
                               fcn_error *err)
{
    opt_problem *pb = s->pb;
    opt_search_restore_best(s, &s->cur);
    fcn_network *net = opt_design_network(&s->cur, pb);
    if (!net) {
        fcn_fail(err, "out of memory writing the optimiser's design");
        return NULL;
    }
    if (opt_verify(net, pb, platform, err)) {
        fcn_network_free(net);
        return NULL;
    }
    stats->objective = opt_objective(s, s->cur.latency_s);
    return net;
}

/* Searches from the smallest design, and writes the best design found into a new network. */
static fcn_network *search(opt_search *s, const fcn_platform *platform, fcn_optimise_stats *stats, fcn_error *err)
{
    if (opt_search_run(s, platform, err))
        return NULL;
    stats->start_objective = s->start_objective;
    stats->searches = 1;
    return opt_search_result(s, platform, stats, err);
}

fcn_network *fcn_optimise(const fcn_network *model, const fcn_platform *platform, const fcn_optimise_options *opts,
                          fcn_optimise_stats *stats, fcn_error *err)
{
    fcn_optimise_stats unused;
    if (!stats)
        stats = &unused;
    *stats = (fcn_optimise_stats){0};
    if (!model || !platform || !opts) {
        fcn_fail(err, "fcn_optimise needs a model, a platform and options");
        return NULL;
    }
    if (opts->threads < 0 || opts->threads > FCN_MAX_THREADS) {
        fcn_fail(err, "threads %d is outside 0..%d", opts->threads, FCN_MAX_THREADS);
        return NULL;
    }
    if (opts->threads > 1)
        return opt_optimise_threads(model, platform, opts, stats, err);
    opt_problem pb;
    if (opt_problem_init(&pb, model, platform, opts, err))
        return NULL;
    opt_search s;
    fcn_network *net = NULL;
    if (opt_search_init(&s, &pb, opts))
        fcn_fail(err, "out of memory setting up the optimiser");
    else
        net = search(&s, platform, stats, err);
    stats->elapsed_s = opt_now() - s.start_time;
    stats->iterations = s.iterations;
    stats->layer_evaluations = pb.layer_evaluations;
    stats->stopped_by_time = s.stopped_by_time;
    opt_search_free(&s);
    opt_problem_free(&pb);
    return net;
}
