/*
 * Parallel searches (fcn_optimise_options.threads): one thread is the search alone, byte for byte;
 * N threads give the best of the 2N searches seeded seed .. seed + 2N - 1 (ties to the lowest), the
 * same on every run; the callback sees the whole and can stop them all; past the time limit no
 * search starts; bad counts have messages.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "optimise_util.h"

#define BUDGET 20000

static fcn_optimise_options search_options(int threads, uint64_t seed)
{
    fcn_optimise_options o;
    fcn_optimise_options_init(&o);
    o.iterations = BUDGET;
    o.threads = threads;
    o.seed = seed;
    return o;
}

/* The written configuration of a search, and its objective; NULL when it failed. */
static char *search_text(const fcn_network *model, const fcn_platform *platform, const fcn_optimise_options *o,
                         fcn_optimise_stats *stats)
{
    fcn_error err;
    fcn_network *net = fcn_optimise(model, platform, o, stats, &err);
    if (!net) {
        fprintf(stderr, "%s\n", err.message);
        return NULL;
    }
    char *text = fcn_network_write_string(net, &err);
    fcn_network_free(net);
    return text;
}

static int same_text(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* threads 1 and 0 are the search of before: the same design and the same counts. */
static void test_one_thread(const fcn_network *model, const fcn_platform *platform)
{
    fcn_optimise_stats alone, one;
    fcn_optimise_options o = search_options(0, 1);
    char *a = search_text(model, platform, &o, &alone);
    o.threads = 1;
    char *b = search_text(model, platform, &o, &one);
    CHECK(same_text(a, b));
    CHECK_INT(alone.iterations, one.iterations);
    CHECK_INT(alone.layer_evaluations, one.layer_evaluations);
    free(a);
    free(b);
}

/*
 * Three threads: six searches, the best of seeds 5 .. 10 searched alone (6, 8 and 10 with the other
 * strategy), ties to the lowest seed, and the same again.
 */
static void test_best_of_seeds(const fcn_network *model, const fcn_platform *platform)
{
    char *alone[6];
    fcn_optimise_stats stats[6], together, again;
    int best = 0;
    int64_t iterations = 0;
    for (int k = 0; k < 6; k++) {
        fcn_optimise_options o = search_options(1, 5 + (uint64_t)k);
        o.partition_by_dp = k % 2;
        alone[k] = search_text(model, platform, &o, &stats[k]);
        iterations += stats[k].iterations;
        if (stats[k].objective > stats[best].objective)
            best = k;
    }
    fcn_optimise_options o = search_options(3, 5);
    char *a = search_text(model, platform, &o, &together);
    char *b = search_text(model, platform, &o, &again);
    CHECK(same_text(a, alone[best]));
    CHECK(same_text(a, b));
    CHECK(together.objective == stats[best].objective);
    CHECK_INT(together.iterations, iterations);
    CHECK_INT(together.searches, 6);
    CHECK_INT(stats[0].searches, 1);
    CHECK(together.start_objective == stats[0].start_objective);
    for (int k = 0; k < 6; k++)
        free(alone[k]);
    free(a);
    free(b);
}

typedef struct progress_log {
    int calls, done, stop_after;
    int64_t last_iterations;
    double best;
} progress_log;

static int log_progress(const fcn_optimise_progress *p, void *user)
{
    progress_log *log = user;
    log->calls++;
    log->done += strcmp(p->phase, "done") == 0;
    CHECK(p->iterations >= log->last_iterations || strcmp(p->phase, "done") == 0);
    log->last_iterations = p->iterations;
    log->best = p->best_objective;
    return log->stop_after > 0 && log->calls >= log->stop_after;
}

/* The callback is told "done" once, with every search's work; asked to stop, every search stops. */
static void test_progress(const fcn_network *model, const fcn_platform *platform)
{
    progress_log log = {0};
    fcn_optimise_options o = search_options(2, 1);
    o.progress = log_progress;
    o.user = &log;
    fcn_optimise_stats stats;
    char *a = search_text(model, platform, &o, &stats);
    CHECK(a != NULL);
    CHECK_INT(log.done, 1);
    CHECK(log.calls > 2);
    CHECK_INT(log.last_iterations, stats.iterations);
    CHECK(log.best == stats.objective);
    free(a);

    progress_log stopping = {.stop_after = 1};
    o = search_options(2, 1);
    o.iterations = 0; /* without the callback the annealing would run for seconds */
    o.progress = log_progress;
    o.user = &stopping;
    char *b = search_text(model, platform, &o, &stats);
    CHECK(b != NULL);
    CHECK(!stats.stopped_by_time);
    CHECK(stats.iterations < 1000000);
    CHECK(stats.searches <= 2); /* asked to stop, no thread takes another */
    free(b);
}

/* Past the time limit no search starts but the first, which still gives a design. */
static void test_time_limit(const fcn_network *model, const fcn_platform *platform)
{
    fcn_optimise_options o = search_options(2, 1);
    o.iterations = 0;
    o.time_limit_s = 1e-9;
    fcn_optimise_stats stats;
    char *a = search_text(model, platform, &o, &stats);
    CHECK(a != NULL);
    CHECK(stats.stopped_by_time);
    CHECK_INT(stats.searches, 1);
    free(a);
}

/*
 * On a board with URAM the second round searches the first round's seeds again with the weights
 * where each layer's rule puts them: two threads give four searches, at least as good as the first
 * round's two alone, the same twice.
 */
static void test_second_round_on_uram(const fcn_network *model)
{
    fcn_platform u250 = load_platform("../examples/platforms/u250.toml");
    double first_round = 0;
    for (int k = 0; k < 2; k++) {
        fcn_optimise_options o = search_options(1, 1 + (uint64_t)k);
        o.partition_by_dp = k % 2;
        fcn_optimise_stats stats;
        free(search_text(model, &u250, &o, &stats));
        first_round = stats.objective > first_round ? stats.objective : first_round;
    }
    fcn_optimise_options o = search_options(2, 1);
    fcn_optimise_stats together, again;
    char *a = search_text(model, &u250, &o, &together);
    char *b = search_text(model, &u250, &o, &again);
    CHECK(same_text(a, b));
    CHECK_INT(together.searches, 4);
    CHECK(together.objective >= first_round);
    free(a);
    free(b);
}

static void test_errors(const fcn_network *model, const fcn_platform *platform)
{
    fcn_error err;
    fcn_optimise_options o = search_options(-1, 1);
    CHECK(fcn_optimise(model, platform, &o, NULL, &err) == NULL);
    CHECK_MESSAGE(err.message, "threads -1 is outside 0..256");
    o.threads = FCN_MAX_THREADS + 1;
    CHECK(fcn_optimise(model, platform, &o, NULL, &err) == NULL);
    CHECK_MESSAGE(err.message, "threads 257 is outside 0..256");
    /* Nothing fits: every search says so, the message is the search's own. */
    fcn_platform tiny = *platform;
    tiny.resource.dsp = 1;
    o.threads = 2;
    CHECK(fcn_optimise(model, &tiny, &o, NULL, &err) == NULL);
    CHECK_MESSAGE(err.message, "nothing fits on zc706");
    o.resource_allocation = 2; /* options checked before any search starts */
    CHECK(fcn_optimise(model, platform, &o, NULL, &err) == NULL);
    CHECK_MESSAGE(err.message, "resource allocation 2 is outside (0, 1]");
}

int main(void)
{
    fcn_network *model = load_model("alexnet");
    fcn_platform platform = load_platform(ZC706);
    CHECK(model != NULL);
    if (model) {
        test_one_thread(model, &platform);
        test_best_of_seeds(model, &platform);
        test_progress(model, &platform);
        test_time_limit(model, &platform);
        test_second_round_on_uram(model);
        test_errors(model, &platform);
    }
    fcn_network_free(model);
    return check_summary("test_optimise_threads");
}
