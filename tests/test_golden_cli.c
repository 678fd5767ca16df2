/*
 * Golden conformance through the command-line tool: every case of
 * data/golden/MODEL.configs.json is written to a temporary file, run through
 * `fpgaconvnet report FILE --freq F --reconf-time R --format json`, and the
 * JSON report's network and partition figures compared with the golden ones.
 * The tool's path comes from the build (FCN_CLI_PATH).
 */
#define _POSIX_C_SOURCE 200809L

#include <sys/wait.h>
#include <unistd.h>

#include "golden_util.h"

#ifndef FCN_CLI_PATH
#error "FCN_CLI_PATH must name the fpgaconvnet tool (set in tests/CMakeLists.txt)"
#endif

/* Writes the case's config to a new temporary file; its path goes to `path`. 0 on success. */
static int write_config(const json_t *config, char *path, size_t path_size)
{
    snprintf(path, path_size, "/tmp/fcn_golden_cli_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    FILE *file = fdopen(fd, "w");
    if (!file) {
        close(fd);
        unlink(path);
        return -1;
    }
    int written = json_dumpf(config, file, JSON_INDENT(1)) == 0;
    if (fclose(file) != 0 || !written) {
        unlink(path);
        return -1;
    }
    return 0;
}

/* Everything the command prints on stdout, as a new string, and its exit status in `status`. */
static char *run_command(const char *command, int *status)
{
    FILE *pipe = popen(command, "r");
    if (!pipe)
        return NULL;
    size_t size = 0, capacity = 4096;
    char *text = malloc(capacity);
    size_t got;
    while (text && (got = fread(text + size, 1, capacity - size - 1, pipe)) > 0) {
        size += got;
        if (capacity - size - 1 == 0) {
            char *bigger = realloc(text, capacity * 2);
            if (!bigger) {
                free(text);
                text = NULL;
                break;
            }
            text = bigger;
            capacity *= 2;
        }
    }
    *status = pclose(pipe);
    if (text)
        text[size] = '\0';
    return text;
}

/* Runs the report on `path`; the parsed JSON (new reference), or NULL with the failure recorded. */
static json_t *report(const char *where, const char *path, const json_t *golden_case)
{
    char command[1024];
    snprintf(command, sizeof command,
             "'%s' report '%s' --freq %.17g --reconf-time %.17g --format json", FCN_CLI_PATH, path,
             json_number_value(json_object_get(golden_case, "freq_mhz")),
             json_number_value(json_object_get(golden_case, "reconf_time_s")));
    int status = -1;
    char *output = run_command(command, &status);
    int exited = status != -1 && WIFEXITED(status);
    int exited_ok = exited && WEXITSTATUS(status) == 0;
    golden_record(exited_ok, where, "exit status", "`%s` %s %d", command,
                  exited ? "exited with" : "did not exit normally, status",
                  exited ? WEXITSTATUS(status) : status);
    golden_record(output != NULL, where, "output", "cannot read the output of `%s`", command);
    if (!exited_ok || !output) {
        free(output);
        return NULL;
    }
    json_error_t error;
    json_t *root = json_loads(output, 0, &error);
    golden_record(root != NULL, where, "output", "not JSON at %d:%d: %s", error.line,
                  error.column, error.text);
    free(output);
    return root;
}

/* The text report on a board: it must run cleanly and show each partition, its bottleneck and the totals. */
static void check_text_report(const char *where, const char *path, const json_t *golden_case)
{
    char command[1024];
    snprintf(command, sizeof command, "'%s' report '%s' --platform ../examples/platforms/zc706.json", FCN_CLI_PATH,
             path);
    int status = -1;
    char *output = run_command(command, &status);
    golden_record(output && WIFEXITED(status) && WEXITSTATUS(status) == 0, where, "text report", "`%s` failed",
                  command);
    if (!output)
        return;
    size_t partitions = json_array_size(json_object_get(json_object_get(golden_case, "config"), "partition"));
    size_t bottlenecks = 0;
    for (const char *at = output; (at = strstr(at, "* bottleneck: ")) != NULL; at++)
        bottlenecks++;
    golden_record(bottlenecks == partitions, where, "text report", "%zu bottleneck lines for %zu partitions",
                  bottlenecks, partitions);
    golden_record(strstr(output, "Network totals") && strstr(output, "resources (used / available)"), where,
                  "text report", "lacks the totals or the utilisation");
    free(output);
}

/* A resource object of the report, as numbers (missing fields read as -1). */
static fcn_resource report_resource(const json_t *object)
{
    fcn_resource resource = {-1, -1, -1, -1, 0};
    int64_t value;
    if (golden_integral(json_object_get(object, "LUT"), &value))
        resource.lut = value;
    if (golden_integral(json_object_get(object, "FF"), &value))
        resource.ff = value;
    if (golden_integral(json_object_get(object, "DSP"), &value))
        resource.dsp = value;
    if (golden_integral(json_object_get(object, "BRAM"), &value))
        resource.bram = value;
    return resource;
}

/* A report integer; the failure is recorded when it is missing or not integral. */
static int64_t report_int(const char *where, const char *field, const json_t *object)
{
    int64_t value = -1;
    int found = golden_integral(json_object_get(object, field), &value);
    golden_record(found, where, field, "missing from the report, or not an integer");
    return value;
}

static double report_real(const char *where, const char *field, const json_t *object)
{
    const json_t *value = json_object_get(object, field);
    golden_record(json_is_number(value), where, field, "missing from the report, or not a number");
    return json_number_value(value);
}

static void compare_layer_names(const char *where, const json_t *got, const json_t *want)
{
    golden_record(json_is_array(got), where, "layers", "missing from the report");
    if (!json_is_array(got))
        return;
    size_t count = json_array_size(got);
    const char **names = calloc(count ? count : 1, sizeof *names);
    if (!names) {
        golden_record(0, where, "layers", "out of memory");
        return;
    }
    for (size_t i = 0; i < count; i++)
        names[i] = json_string_value(json_object_get(json_array_get(got, i), "name"));
    golden_layer_names(where, "layers", names, count, want);
    free(names);
}

static void compare_partition(const char *where, const json_t *got, const json_t *want)
{
    golden_real(where, "interval", report_real(where, "interval", got),
                json_object_get(want, "interval"));
    golden_int(where, "pipeline_depth", report_int(where, "pipeline_depth", got),
               json_object_get(want, "pipeline_depth"));
    golden_real(where, "latency_s", report_real(where, "latency_s", got),
                json_object_get(want, "latency_s"));
    golden_int(where, "streams_in", report_int(where, "streams_in", got),
               json_object_get(want, "streams_in"));
    golden_int(where, "streams_out", report_int(where, "streams_out", got),
               json_object_get(want, "streams_out"));
    golden_int(where, "size_wr", report_int(where, "size_wr", got),
               json_object_get(want, "size_wr"));
    golden_real(where, "bandwidth_in", report_real(where, "bandwidth_in", got),
                json_object_get(want, "bandwidth_in"));
    golden_real(where, "bandwidth_out", report_real(where, "bandwidth_out", got),
                json_object_get(want, "bandwidth_out"));
    golden_int(where, "operations", report_int(where, "operations", got),
               json_object_get(want, "operations"));
    golden_resource(where, "resource", report_resource(json_object_get(got, "resource")),
                    json_object_get(want, "resource"));
    compare_layer_names(where, json_object_get(got, "layers"), json_object_get(want, "layers"));
}

/* The largest of each resource over the golden partitions: the network's resource. */
static json_t *golden_max_resource(const json_t *partitions)
{
    static const char *const kinds[] = {"LUT", "FF", "DSP", "BRAM"};
    json_t *max = json_object();
    for (size_t k = 0; max && k < sizeof kinds / sizeof kinds[0]; k++) {
        json_int_t largest = 0;
        size_t p;
        json_t *partition;
        json_array_foreach(partitions, p, partition) {
            json_int_t value =
                json_integer_value(json_object_get(json_object_get(partition, "resource"),
                                                   kinds[k]));
            largest = value > largest ? value : largest;
        }
        json_object_set_new(max, kinds[k], json_integer(largest));
    }
    return max;
}

static void compare_report(const char *where, const json_t *golden_case, const json_t *got)
{
    const json_t *want = json_object_get(golden_case, "expect");
    const json_t *network = json_object_get(got, "network");
    golden_record(json_is_object(network), where, "network", "missing from the report");
    golden_real(where, "network.latency_s", report_real(where, "latency_s", network),
                json_object_get(want, "latency_s"));
    golden_real(where, "network.throughput", report_real(where, "throughput", network),
                json_object_get(want, "throughput"));
    golden_int(where, "network.batch_size", report_int(where, "batch_size", network),
               json_object_get(want, "batch_size"));
    golden_real(where, "network.freq_mhz", report_real(where, "freq_mhz", network),
                json_object_get(golden_case, "freq_mhz"));
    golden_real(where, "network.reconf_time_s", report_real(where, "reconf_time_s", network),
                json_object_get(golden_case, "reconf_time_s"));
    const json_t *want_partitions = json_object_get(want, "partitions");
    json_t *max = golden_max_resource(want_partitions);
    golden_resource(where, "network.resource",
                    report_resource(json_object_get(network, "resource")), max);
    json_decref(max);

    const json_t *partitions = json_object_get(got, "partitions");
    size_t got_count = json_array_size(partitions), want_count = json_array_size(want_partitions);
    golden_record(got_count == want_count, where, "partition count", "got %zu, expected %zu",
                  got_count, want_count);
    for (size_t p = 0; p < got_count && p < want_count; p++) {
        char partition_where[192];
        snprintf(partition_where, sizeof partition_where, "%s: partition %zu", where, p);
        compare_partition(partition_where, json_array_get(partitions, p),
                          json_array_get(want_partitions, p));
    }
}

/* Runs one case; returns 1 if it passed. */
static int run_case(const char *model, const json_t *golden_case)
{
    int failures_before = check_failures;
    char where[160];
    snprintf(where, sizeof where, "cli %s/%s", model, golden_case_name(golden_case));

    char path[64];
    int written = write_config(json_object_get(golden_case, "config"), path, sizeof path) == 0;
    golden_record(written, where, "config", "cannot write a temporary config file");
    if (!written)
        return 0;
    json_t *got = report(where, path, golden_case);
    check_text_report(where, path, golden_case);
    unlink(path);
    if (!got)
        return 0;
    compare_report(where, golden_case, got);
    json_decref(got);
    return check_failures == failures_before;
}

int main(void)
{
    golden_run_config_cases("test_golden_cli", run_case);
    return golden_summary("test_golden_cli");
}
