/* The optimiser's result: a design written out as a configuration, and the proof that it holds. */
#include <stdlib.h>

#include "error.h"
#include "optimise.h"

fcn_network *opt_design_network(const opt_design *d, const opt_problem *pb)
{
    /* The design's layers borrow the model's strings; the clone copies them into a network of its own. */
    fcn_partition *parts = calloc((size_t)d->partition_count, sizeof *parts);
    if (!parts)
        return NULL;
    for (int p = 0; p < d->partition_count; p++) {
        const int s = d->start[p], e = d->start[p + 1], w = opt_wr_layer(pb, s, e);
        parts[p] = (fcn_partition){
            .id = p,
            .ports = d->ports,
            .batch_size = pb->eval.batch_size,
            .wr_factor = d->wr[p],
            .wr_layer = w >= 0 ? d->layer[w].name : NULL,
            .input_node = d->layer[s].name,
            .output_node = d->layer[e - 1].name,
            .layer_count = e - s,
            .layers = &d->layer[s],
        };
    }
    const fcn_network view = {d->partition_count, parts};
    fcn_network *net = fcn_network_clone(&view);
    free(parts);
    return net;
}

int opt_verify(const fcn_network *net, const opt_problem *pb, const fcn_platform *platform, fcn_error *err)
{
    if (fcn_network_check(net, err)) {
        fcn_error_prefix(err, "internal error: the optimiser's design is not a valid configuration");
        return -1;
    }
    fcn_network_figures figures;
    if (fcn_network_evaluate(net, &pb->eval, &figures, err))
        return -1;
    fcn_validate_options check = {.resource_allocation = pb->allocation};
    fcn_violations violations = {0};
    int status = fcn_validate(&figures, platform, &check, &violations, err);
    if (status == 0 && violations.count > 0)
        status = fcn_fail(err, "internal error: the optimiser's design violates the platform: %s",
                          violations.messages[0]);
    fcn_violations_free(&violations);
    fcn_network_figures_free(&figures);
    return status;
}
