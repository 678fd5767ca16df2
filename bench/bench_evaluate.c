/*
 * Times loading and evaluating configurations: bench_evaluate CONFIG.json...
 * Prints, per file, the median over repeated runs of: reading the file,
 * a full evaluation (with the squeeze chain and per-layer figures), and the
 * allocation-free partition summaries an optimiser would use.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fpgaconvnet.h"

#define RUNS 15

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    return v[n / 2];
}

/* Seconds per call of `body`, repeated until a run lasts at least 20 ms; median of RUNS runs. */
#define TIME_PER_CALL(result, body)                                                   \
    do {                                                                              \
        double runs_[RUNS];                                                           \
        long reps_ = 1;                                                               \
        for (;;) {                                                                    \
            double t0_ = now_s();                                                     \
            for (long i_ = 0; i_ < reps_; i_++) { body; }                             \
            if (now_s() - t0_ > 0.02) break;                                          \
            reps_ *= 2;                                                               \
        }                                                                             \
        for (int r_ = 0; r_ < RUNS; r_++) {                                           \
            double t0_ = now_s();                                                     \
            for (long i_ = 0; i_ < reps_; i_++) { body; }                             \
            runs_[r_] = (now_s() - t0_) / (double)reps_;                              \
        }                                                                             \
        (result) = median(runs_, RUNS);                                               \
    } while (0)

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_evaluate CONFIG.json...\n");
        return 2;
    }
    const fcn_eval_options opts = {.freq_mhz = 125};
    printf("%-28s %8s %12s %14s %14s\n", "configuration", "layers", "load (us)", "evaluate (us)", "summary (us)");
    for (int a = 1; a < argc; a++) {
        fcn_error err;
        fcn_network *net = fcn_network_read(argv[a], &err);
        if (!net) {
            fprintf(stderr, "bench_evaluate: %s\n", err.message);
            return 1;
        }
        int layers = 0;
        for (int p = 0; p < net->partition_count; p++)
            layers += net->partitions[p].layer_count;

        double load, evaluate, summary;
        TIME_PER_CALL(load, fcn_network_free(fcn_network_read(argv[a], &err)));
        TIME_PER_CALL(evaluate, {
            fcn_network_figures f;
            if (fcn_network_evaluate(net, &opts, &f, &err) == 0)
                fcn_network_figures_free(&f);
        });
        volatile double sink = 0;
        TIME_PER_CALL(summary, {
            for (int p = 0; p < net->partition_count; p++) {
                fcn_partition_figures s;
                fcn_partition_summary(&net->partitions[p], &opts, &s);
                sink += s.latency_s;
            }
        });
        (void)sink;
        const char *name = argv[a];
        for (const char *c = argv[a]; *c; c++)
            if (*c == '/')
                name = c + 1;
        printf("%-28s %8d %12.2f %14.3f %14.3f\n", name, layers, load * 1e6, evaluate * 1e6, summary * 1e6);
        fcn_network_free(net);
    }
    return 0;
}
