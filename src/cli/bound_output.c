/* The optimiser's bound as `optimise` and `report --bound` show it. */
#include "bound_output.h"

const char *bound_binds_name(const fcn_bound *b)
{
    return b->partitions_bind ? "partitioning" : fcn_bound_limit_name(b->binds);
}

double bound_ratio(const fcn_bound *b, int latency_objective, double objective)
{
    if (!(objective > 0) || !(b->latency_s > 0))
        return 0;
    return latency_objective ? b->latency_s / objective : objective / b->throughput;
}

void bound_summary(char *out, size_t size, const fcn_bound *b, int latency_objective)
{
    snprintf(out, size, "%.5g %s (%s binds)", latency_objective ? b->latency_s : b->throughput,
             latency_objective ? "s" : "inputs/s", bound_binds_name(b));
}

/* "label  LUT 1.2e+04, FF 3, ..." for the first `count` limits. */
static void write_limits(FILE *out, const char *label, const double *cycles, int count)
{
    fprintf(out, "%s", label);
    for (int r = 0; r < count; r++)
        fprintf(out, " %s %.4g%s", fcn_bound_limit_name((fcn_bound_limit)r), cycles[r], r + 1 < count ? "," : "\n");
}

void bound_write_text(FILE *out, const fcn_bound *b, double allocation, double ratio)
{
    fprintf(out, "\nBound (docs/OPTIMISER-BOUND.md, allocation %g)\n", allocation);
    fprintf(out, "--------------------------------------------------\n");
    fprintf(out, "throughput        at most %.4g inputs/s at batch %lld", b->throughput, (long long)b->batch_size);
    if (ratio > 1)
        fprintf(out, " (this configuration: %.3f of it, which only a configuration beyond the allocation reaches)",
                ratio);
    else if (ratio > 0)
        fprintf(out, " (this configuration: %.3f of it)", ratio);
    fprintf(out, "\nlatency           at least %.4g s: %.4g s of compute, %.4g s forced by the weights\n",
            b->latency_s, b->compute_s, b->forced_s);
    fprintf(out, "binds             %s\n", bound_binds_name(b));
    if (b->partitions_s > 0)
        fprintf(out, "partitions        at least %.4g s over the best cut (%d partition%s, each its layers' cheapest "
                "foldings for its interval)\n", b->partitions_s, b->partitions_count,
                b->partitions_count == 1 ? "" : "s");
    write_limits(out, "cycles per input ", b->limit_cycles, FCN_BOUND_LIMITS);
    fprintf(out, "area x time       %.4g cycles per input, of which", b->area_cycles);
    for (int r = 0; r < FCN_BOUND_PIXELS; r++)
        fprintf(out, " %s %.2f%s", fcn_bound_limit_name((fcn_bound_limit)r), b->area_share[r],
                r + 1 < FCN_BOUND_PIXELS ? "," : "\n");
    write_limits(out, "multipliers alone", b->multiplier_cycles, FCN_BOUND_PIXELS);
    fprintf(out, "weights force     %d partition%s, %d reloading weights\n", b->forced_partitions,
            b->forced_partitions == 1 ? "" : "s", b->forced_reloads);
}

/* {"LUT": x, "FF": ...} for the first `count` limits; NULL when out of memory. */
static json_t *limits_json(const double *values, int count)
{
    json_t *o = json_object();
    for (int r = 0; o && r < count; r++)
        json_object_set_new(o, fcn_bound_limit_name((fcn_bound_limit)r), json_real(values[r]));
    return o;
}

json_t *bound_to_json(const fcn_bound *b, double allocation, double ratio)
{
    json_t *o = json_pack("{s:f, s:I, s:f, s:f, s:f, s:f, s:s, s:f, s:o*, s:f, s:o*, s:o*, s:i, s:i}",
                          "resource_allocation", allocation, "batch_size", (json_int_t)b->batch_size, "throughput",
                          b->throughput, "latency_s", b->latency_s, "compute_s", b->compute_s, "forced_s",
                          b->forced_s, "binds", bound_binds_name(b), "cycles_per_input",
                          b->cycles_per_input, "limit_cycles", limits_json(b->limit_cycles, FCN_BOUND_LIMITS),
                          "area_cycles", b->area_cycles, "area_share", limits_json(b->area_share, FCN_BOUND_PIXELS),
                          "multiplier_cycles", limits_json(b->multiplier_cycles, FCN_BOUND_PIXELS),
                          "forced_partitions", b->forced_partitions, "forced_reloads", b->forced_reloads);
    if (o && b->partitions_s > 0) {
        json_object_set_new(o, "partitions_s", json_real(b->partitions_s));
        json_object_set_new(o, "partitions_count", json_integer(b->partitions_count));
    }
    if (o && ratio > 0)
        json_object_set_new(o, "ratio", json_real(ratio));
    return o;
}
