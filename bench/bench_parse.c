/*
 * Times the ONNX parser and measures its memory: bench_parse [-n RUNS] MODEL.onnx...
 * Prints, per model, its file size, the layers of its default configuration,
 * the median seconds of fcn_onnx_parse over RUNS runs, and the process's peak
 * resident set while parsing it (VmHWM of /proc/self/status, reset before each
 * model through /proc/self/clear_refs where the kernel allows it), beside the
 * resident set before parsing.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fpgaconvnet.h"

#define DEFAULT_RUNS 7
#define MAX_RUNS 1000

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

/* A "Name:   1234 kB" field of /proc/self/status in kB; -1 where there is none. */
static long status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long kb = -1;
    size_t length = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, length) == 0 && line[length] == ':') {
            kb = strtol(line + length + 1, NULL, 10);
            break;
        }
    fclose(f);
    return kb;
}

/* Makes VmHWM start again from the current resident set (Linux 4.0 and later); 0 if it did. */
static int reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return -1;
    int ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static int layer_count(const fcn_network *net)
{
    int layers = 0;
    for (int p = 0; p < net->partition_count; p++)
        layers += net->partitions[p].layer_count;
    return layers;
}

/* One row of the table; -1 after printing the parser's error. */
static int bench_model(const char *path, int runs)
{
    struct stat st;
    double size_mb = stat(path, &st) == 0 ? (double)st.st_size / 1e6 : -1;
    int peak_reset = reset_peak() == 0;
    long rss_before = status_kb("VmRSS");
    double seconds[MAX_RUNS];
    int layers = 0;
    for (int r = 0; r < runs; r++) {
        fcn_error err;
        double t0 = now_s();
        fcn_network *net = fcn_onnx_parse(path, NULL, &err);
        seconds[r] = now_s() - t0;
        if (!net) {
            fprintf(stderr, "bench_parse: %s\n", err.message);
            return -1;
        }
        layers = layer_count(net);
        fcn_network_free(net);
    }
    long peak = status_kb("VmHWM");
    qsort(seconds, (size_t)runs, sizeof *seconds, compare_doubles);
    printf("%-36s %10.1f %7d %12.3f %12.3f %10.1f %10.1f%s\n", path, size_mb, layers, seconds[runs / 2] * 1e3,
           seconds[0] * 1e3, (double)rss_before / 1024, (double)peak / 1024,
           peak_reset ? "" : " (peak of the process)");
    return 0;
}

int main(int argc, char **argv)
{
    int runs = DEFAULT_RUNS, first = 1;
    if (argc > 2 && strcmp(argv[1], "-n") == 0) {
        runs = atoi(argv[2]);
        first = 3;
    }
    if (first >= argc || runs < 1 || runs > MAX_RUNS) {
        fprintf(stderr, "usage: bench_parse [-n RUNS (1..%d)] MODEL.onnx...\n", MAX_RUNS);
        return 2;
    }
    printf("%-36s %10s %7s %12s %12s %10s %10s\n", "model", "size (MB)", "layers", "median (ms)", "min (ms)",
           "RSS0 (MB)", "peak (MB)");
    for (int a = first; a < argc; a++)
        if (bench_model(argv[a], runs))
            return 1;
    return 0;
}
