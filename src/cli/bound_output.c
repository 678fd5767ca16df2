/* The optimiser's bound as `optimise` and `report --bound` show it. */
#include "bound_output.h"

double bound_ratio(const fcn_bound *b, int latency_objective, double objective)
{
    if (!(objective > 0) || !(b->latency_s > 0))
        return 0;
    return latency_objective ? b->latency_s / objective : objective / b->throughput;
}

void bound_summary(char *out, size_t size, const fcn_bound *b, int latency_objective)
{
    snprintf(out, size, "%.5g %s (%s binds)", latency_objective ? b->latency_s : b->throughput,
             latency_objective ? "s" : "inputs/s", fcn_bound_limit_name(b->binds));
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
    fprintf(out, "binds             %s\n", fcn_bound_limit_name(b->binds));
    fprintf(out, "cycles per input ");
    for (int r = 0; r < FCN_BOUND_LIMITS; r++)
        fprintf(out, " %s %.4g%s", fcn_bound_limit_name((fcn_bound_limit)r), b->limit_cycles[r],
                r + 1 < FCN_BOUND_LIMITS ? "," : "\n");
    fprintf(out, "weights force     %d partition%s, %d reloading weights\n", b->forced_partitions,
            b->forced_partitions == 1 ? "" : "s", b->forced_reloads);
}

json_t *bound_to_json(const fcn_bound *b, double allocation, double ratio)
{
    json_t *cycles = json_object();
    for (int r = 0; cycles && r < FCN_BOUND_LIMITS; r++)
        json_object_set_new(cycles, fcn_bound_limit_name((fcn_bound_limit)r), json_real(b->limit_cycles[r]));
    json_t *o = json_pack("{s:f, s:I, s:f, s:f, s:f, s:f, s:s, s:f, s:o*, s:i, s:i}", "resource_allocation",
                          allocation, "batch_size", (json_int_t)b->batch_size, "throughput", b->throughput,
                          "latency_s", b->latency_s, "compute_s", b->compute_s, "forced_s", b->forced_s, "binds",
                          fcn_bound_limit_name(b->binds), "cycles_per_input", b->cycles_per_input,
                          "limit_cycles", cycles, "forced_partitions", b->forced_partitions, "forced_reloads",
                          b->forced_reloads);
    if (o && ratio > 0)
        json_object_set_new(o, "ratio", json_real(ratio));
    return o;
}
