/*
 * Simulated annealing over every move (optimise_moves.c). The energy is the
 * logarithm of the network's latency, so a temperature reads as a relative
 * change: at T = 0.05 a move that makes the design 5% slower is taken with
 * probability 1/e. A move whose design breaks a constraint is never taken.
 * Each schedule cools from temperature_start to temperature_end by
 * cooling_rate every iterations_per_temperature moves, then the search reheats
 * from the best design: until an iteration budget is spent, or without one
 * while the last schedule shortened the best latency by 0.1% (10 at most).
 */
#include <math.h>

#include "optimise.h"

/* The clock is read once every this many moves: often enough to stop on time, rarely enough to cost nothing. */
#define CLOCK_EVERY 256
/* This share of the moves that change partitions also raise the foldings of those partitions again from 1. */
#define SHARE_REFOLD 0.5
/* Without an iteration budget, schedules run from the best design again while one shortens it by 0.1%. */
#define WORTH_ANOTHER 1e-3
#define MAX_SCHEDULES 10

static int metropolis(opt_search *s, double current, double candidate, double temperature)
{
    if (candidate <= current)
        return 1;
    return opt_rng_unit(&s->rng) < exp(-log(candidate / current) / temperature);
}

/* One move tried on cand: taken into cur, or undone. */
static void step(opt_search *s, double temperature)
{
    opt_touch touch;
    if (opt_move_random(&s->cand, s->pb, &s->rng, &touch))
        return;
    /* Partitions merged, split or moved: their foldings may be raised again (not after a change of ports). */
    if (touch.structure && touch.layer_hi > touch.layer_lo && opt_rng_unit(&s->rng) < SHARE_REFOLD)
        opt_refold(s, &s->cand, &touch, 0);
    else
        opt_design_refresh(&s->cand, s->pb, &touch);
    if (s->cand.misfits == 0 && metropolis(s, s->cur.latency_s, s->cand.latency_s, temperature)) {
        opt_design_sync(&s->cur, &s->cand, &touch);
        if (s->cur.latency_s < s->best.latency_s)
            opt_search_note(s);
    } else {
        opt_design_sync(&s->cand, &s->cur, &touch);
    }
}

static int budget_spent(const opt_search *s)
{
    return s->opts->iterations > 0 && s->iterations >= s->opts->iterations;
}

/* One schedule from the current design; 0 when it ran to its end, -1 when the search must stop. */
static int schedule(opt_search *s)
{
    const fcn_optimise_options *o = s->opts;
    int64_t steps = 0;
    for (double t = o->temperature_start; t > o->temperature_end; t *= o->cooling_rate) {
        for (int64_t k = 0; k < o->iterations_per_temperature; k++) {
            if (budget_spent(s))
                return -1;
            s->iterations++;
            if (++steps % CLOCK_EVERY == 0 && opt_search_should_stop(s))
                return -1;
            step(s, t);
        }
        opt_search_report(s, "annealing", t);
        if (s->stopped)
            return -1;
    }
    return 0;
}

/* Whether to run another schedule: until the budget is spent, or (without one) while schedules still pay. */
static int reheat(const opt_search *s, double best_before, int schedules)
{
    if (s->opts->iterations > 0)
        return !budget_spent(s);
    return schedules < MAX_SCHEDULES && s->best.latency_s < best_before * (1 - WORTH_ANOTHER);
}

void opt_anneal(opt_search *s)
{
    opt_search_note(s);
    opt_design_copy(&s->cand, &s->cur, s->pb);
    for (int schedules = 1;; schedules++) {
        const double best_before = s->best.latency_s;
        if (schedule(s) || !reheat(s, best_before, schedules))
            break;
        opt_search_restore_best(s, &s->cur);
        opt_design_copy(&s->cand, &s->cur, s->pb);
    }
    /* The current design ends as the best, for whoever comes next. */
    opt_search_restore_best(s, &s->cur);
}
