/*
 * Parallel searches (fcn_optimise_options.threads): SEARCHES_PER_THREAD x threads independent
 * searches, the k-th seeded seed + k, each with a problem of its own (the problem keeps counters and
 * caches), taken in order by threads as they come free (POSIX threads), so that a thread whose
 * search ends early starts the next rather than leaving its core idle; none starts once the time
 * limit has passed. What they share lives in one struct handed to each, never in globals: the stop
 * flag, the next search to take, and behind a mutex the best objective and the counts that the
 * progress callback sees. No search reads another's designs, so each takes the path its seed gives
 * whatever the timing or the thread that runs it; the result is chosen once all have ended, by
 * latency and then index: the same for a seed and a thread count when they end by themselves.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "optimise.h"

/* Searches a thread runs on average: a thread whose first ends early takes another. */
#define SEARCHES_PER_THREAD 2

struct opt_shared {
    pthread_mutex_t lock;
    atomic_int stop;
    atomic_int next;                  /* the next search a free thread takes */
    const fcn_optimise_options *opts; /* the caller's: its callback and user */
    int threads;
    double start_time;
    int count;
    int64_t *iterations, *evaluations; /* [count]: each search's, as it last reported */
    double best_latency;               /* of all searches so far; < 0: none yet */
    fcn_resource best_resource;
    int best_partitions;
};

typedef struct worker {
    opt_shared *shared;
    const fcn_platform *platform;
    const fcn_network *model;
    int index;
    fcn_optimise_options opts;
    opt_problem pb;
    opt_search s;
    int problem_ready, search_ready, status;
    fcn_error err;
} worker;

int opt_shared_stopped(opt_shared *shared)
{
    return atomic_load(&shared->stop);
}

static int64_t sum(const int64_t *values, int count)
{
    int64_t total = 0;
    for (int k = 0; k < count; k++)
        total += values[k];
    return total;
}

/* The caller's view of all the searches: the best of any, the work of all. Under the lock. */
static fcn_optimise_progress overall(const opt_shared *sh, const opt_search *s, const fcn_optimise_progress *p)
{
    fcn_optimise_progress q = *p;
    q.elapsed_s = opt_now() - sh->start_time;
    q.best_objective = opt_objective(s, sh->best_latency);
    q.best_resource = sh->best_resource;
    q.best_partitions = sh->best_partitions;
    q.iterations = sum(sh->iterations, sh->count);
    q.layer_evaluations = sum(sh->evaluations, sh->count);
    return q;
}

/* Each search's progress callback: notes its best and its counts, and hands the caller the whole. */
static int forward(const fcn_optimise_progress *p, void *user)
{
    worker *w = user;
    opt_shared *sh = w->shared;
    pthread_mutex_lock(&sh->lock);
    sh->iterations[w->index] = p->iterations;
    sh->evaluations[w->index] = p->layer_evaluations;
    const opt_snapshot *best = &w->s.best;
    if (best->latency_s >= 0 && (sh->best_latency < 0 || best->latency_s < sh->best_latency)) {
        sh->best_latency = best->latency_s;
        sh->best_resource = best->resource;
        sh->best_partitions = best->partition_count;
    }
    int stop = 0;
    if (sh->opts->progress && strcmp(p->phase, "done") != 0) { /* "done" is said once, for all */
        const fcn_optimise_progress q = overall(sh, &w->s, p);
        stop = sh->opts->progress(&q, sh->opts->user);
    }
    if (stop)
        atomic_store(&sh->stop, 1);
    pthread_mutex_unlock(&sh->lock);
    return stop;
}

static int prepare(worker *w, fcn_error *err)
{
    opt_shared *sh = w->shared;
    const int index = w->index;
    w->opts = *sh->opts;
    /*
     * On a board with URAM the second round searches the first round's seeds again with each layer's
     * weights where its rule puts them (as searches did before memory moves): moving weights between
     * BRAM and URAM helps most problems and costs a few; the best of both is kept. Elsewhere both
     * rounds would be the same: the second takes new seeds.
     */
    const int again = index >= sh->threads && w->platform->resource.uram > 0;
    w->opts.seed = sh->opts->seed + (uint64_t)(again ? index - sh->threads : index);
    w->opts.progress = forward;
    w->opts.user = w;
    w->opts.threads = 1;
    if (opt_problem_init(&w->pb, w->model, w->platform, &w->opts, err))
        return -1;
    w->problem_ready = 1;
    w->search_ready = 1;
    if (opt_search_init(&w->s, &w->pb, &w->opts))
        return fcn_fail(err, "out of memory setting up the optimiser");
    w->s.shared = sh;
    /* Every other search takes the other strategy (optimise_partition.c's cuts): not only a second seed. */
    w->s.partition_by_dp = sh->opts->partition_by_dp ^ (index % 2);
    w->s.rule_placement = again;
    w->s.start_time = sh->start_time; /* one clock and one deadline for all */
    w->s.deadline = sh->start_time + sh->opts->time_limit_s;
    return 0;
}

/* Prepares and runs search w; its status and error say how it went. */
static void run_search(worker *w)
{
    w->status = prepare(w, &w->err);
    if (!w->status)
        w->status = opt_search_run(&w->s, w->platform, &w->err);
}

/*
 * A thread, given every search: takes the next while any is left, the stop has not come and, but for
 * the first, the time limit has not passed.
 */
static void *run_searches(void *arg)
{
    worker *w = arg;
    opt_shared *sh = w[0].shared;
    const double deadline = sh->start_time + sh->opts->time_limit_s;
    for (;;) {
        const int k = atomic_fetch_add(&sh->next, 1);
        if (k >= sh->count || atomic_load(&sh->stop) || (k > 0 && opt_now() >= deadline))
            return NULL;
        run_search(&w[k]);
    }
}

/* Runs the searches in `count` threads where they start, and in this one where none does. */
static void run_all(worker *w, int count)
{
    pthread_t *thread = calloc((size_t)count, sizeof *thread);
    unsigned char *started = calloc((size_t)count, 1);
    int any = 0;
    for (int k = 0; thread && started && k < count; k++)
        any |= started[k] = pthread_create(&thread[k], NULL, run_searches, w) == 0;
    if (!any)
        run_searches(w);
    for (int k = 0; started && k < count; k++)
        if (started[k])
            pthread_join(thread[k], NULL);
    free(thread);
    free(started);
}

/* The search with the shortest latency, the lowest index among equals; -1 when one failed (err says why). */
static int best_search(worker *w, int count, fcn_error *err)
{
    int best = -1;
    for (int k = 0; k < count; k++) {
        if (w[k].status) {
            if (err)
                *err = w[k].err;
            return -1;
        }
        if (w[k].search_ready && w[k].s.best.latency_s >= 0 && (best < 0 || w[k].s.best.latency_s < w[best].s.best.latency_s))
            best = k;
    }
    return best;
}

/* The counts of all searches, and the last progress report, "done". */
static void finish(worker *w, int count, int best, fcn_optimise_stats *stats)
{
    const opt_shared *sh = w[0].shared;
    stats->elapsed_s = opt_now() - sh->start_time;
    stats->start_objective = w[0].s.start_objective;
    for (int k = 0; k < count; k++) {
        stats->searches += w[k].search_ready;
        stats->iterations += w[k].s.iterations;
        stats->layer_evaluations += w[k].pb.layer_evaluations;
        stats->stopped_by_time |= w[k].s.stopped_by_time;
    }
    if (!sh->opts->progress || best < 0)
        return;
    const opt_snapshot *b = &w[best].s.best;
    const fcn_optimise_progress done = {
        .phase = "done",
        .elapsed_s = stats->elapsed_s,
        .current_objective = opt_objective(&w[best].s, b->latency_s),
        .best_objective = opt_objective(&w[best].s, b->latency_s),
        .best_resource = b->resource,
        .best_partitions = b->partition_count,
        .iterations = stats->iterations,
        .layer_evaluations = stats->layer_evaluations,
    };
    sh->opts->progress(&done, sh->opts->user);
}

static fcn_network *search_all(worker *w, int count, int threads, const fcn_platform *platform,
                               fcn_optimise_stats *stats, fcn_error *err)
{
    run_all(w, threads);
    const int best = best_search(w, count, err);
    finish(w, count, best, stats);
    if (best < 0)
        return NULL;
    return opt_search_result(&w[best].s, platform, stats, err);
}

fcn_network *opt_optimise_threads(const fcn_network *model, const fcn_platform *platform,
                                  const fcn_optimise_options *opts, fcn_optimise_stats *stats, fcn_error *err)
{
    const int threads = opts->threads, count = threads * SEARCHES_PER_THREAD;
    opt_shared sh = {.opts = opts, .threads = threads, .start_time = opt_now(), .count = count, .best_latency = -1};
    atomic_init(&sh.stop, 0);
    atomic_init(&sh.next, 0);
    worker *w = calloc((size_t)count, sizeof *w);
    sh.iterations = calloc((size_t)count, sizeof *sh.iterations);
    sh.evaluations = calloc((size_t)count, sizeof *sh.evaluations);
    fcn_network *net = NULL;
    if (!w || !sh.iterations || !sh.evaluations || pthread_mutex_init(&sh.lock, NULL)) {
        fcn_fail(err, "out of memory setting up the optimiser");
    } else {
        for (int k = 0; k < count; k++)
            w[k] = (worker){.shared = &sh, .platform = platform, .model = model, .index = k};
        net = search_all(w, count, threads, platform, stats, err);
        pthread_mutex_destroy(&sh.lock);
    }
    for (int k = 0; w && k < count; k++) {
        if (w[k].search_ready)
            opt_search_free(&w[k].s);
        if (w[k].problem_ready)
            opt_problem_free(&w[k].pb);
    }
    free(w);
    free(sh.iterations);
    free(sh.evaluations);
    return net;
}
