/*
 * Golden conformance of whole configurations through the C API: every case of
 * data/golden/MODEL.configs.json is read with fcn_network_read_string,
 * evaluated at the case's clock and reconfiguration time, and its network and
 * per-partition figures compared, including the evaluated chain's layer names
 * (squeeze layers derived by the model).
 */
#include "golden_util.h"

static void compare_partition(const char *where, const fcn_partition_figures *got,
                              const json_t *want)
{
    golden_partition_figures(where, got, want);

    size_t count = got->layer_count > 0 ? (size_t)got->layer_count : 0;
    const char **names = calloc(count ? count : 1, sizeof *names);
    if (!names) {
        golden_record(0, where, "layers", "out of memory");
        return;
    }
    for (size_t i = 0; i < count; i++)
        names[i] = got->layers[i].name;
    golden_layer_names(where, "layers", names, count, json_object_get(want, "layers"));
    free(names);
}

static void compare_network(const char *where, const fcn_network_figures *got, const json_t *want)
{
    golden_real(where, "latency_s", got->latency_s, json_object_get(want, "latency_s"));
    golden_real(where, "throughput", got->throughput, json_object_get(want, "throughput"));
    golden_int(where, "batch_size", got->batch_size, json_object_get(want, "batch_size"));
    golden_real(where, "freq_mhz", got->freq_mhz, json_object_get(want, "freq"));
    golden_real(where, "reconf_time_s", got->reconf_time_s,
                json_object_get(want, "reconf_time"));

    const json_t *partitions = json_object_get(want, "partitions");
    size_t want_count = json_array_size(partitions);
    golden_record((size_t)got->partition_count == want_count, where, "partition count",
                  "got %d, expected %zu", got->partition_count, want_count);
    for (size_t p = 0; p < want_count && p < (size_t)got->partition_count; p++) {
        char partition_where[192];
        snprintf(partition_where, sizeof partition_where, "%s: partition %zu", where, p);
        compare_partition(partition_where, &got->partitions[p], json_array_get(partitions, p));
    }
}

/* Runs one case; returns 1 if it passed. */
static int run_case(const char *model, const json_t *golden_case)
{
    int failures_before = check_failures;
    char where[160];
    snprintf(where, sizeof where, "%s/%s", model, golden_case_name(golden_case));

    char *text = json_dumps(json_object_get(golden_case, "config"), JSON_COMPACT);
    if (!text) {
        golden_record(0, where, "config", "cannot serialise the golden config");
        return 0;
    }
    fcn_error err = {{0}};
    fcn_network *net = fcn_network_read_string(text, where, &err);
    free(text);
    golden_record(net != NULL, where, "fcn_network_read_string", "failed: %s", err.message);
    if (!net)
        return 0;

    fcn_eval_options opts = {
        .freq_mhz = json_number_value(json_object_get(golden_case, "freq_mhz")),
        .reconf_time_s = json_number_value(json_object_get(golden_case, "reconf_time_s")),
        .batch_size = 0,
    };
    fcn_network_figures figures;
    memset(&figures, 0, sizeof figures);
    int evaluated = fcn_network_evaluate(net, &opts, &figures, &err) == 0;
    golden_record(evaluated, where, "fcn_network_evaluate", "failed: %s", err.message);
    if (evaluated) {
        compare_network(where, &figures, json_object_get(golden_case, "expect"));
        fcn_network_figures_free(&figures);
    }
    fcn_network_free(net);
    return check_failures == failures_before;
}

int main(void)
{
    golden_run_config_cases("test_golden_configs", run_case);
    return golden_summary("test_golden_configs");
}
