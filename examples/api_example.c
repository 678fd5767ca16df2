/*
 * Using the library from another program: load a configuration, double the
 * coarse_out of the slowest layer of each partition where the model allows
 * it, and compare the figures before and after.
 *
 *   cc api_example.c $(pkg-config --cflags --libs fpgaconvnet) -o api_example
 *   ./api_example examples/alexnet.json
 */
#include <fpgaconvnet.h>
#include <stdio.h>

static double network_latency(const fcn_network *net, const fcn_eval_options *opts)
{
    double latency = 0;
    for (int p = 0; p < net->partition_count; p++) {
        fcn_partition_figures f;
        fcn_partition_summary(&net->partitions[p], opts, &f);
        latency += f.latency_s;
    }
    return latency + (net->partition_count - 1) * opts->reconf_time_s;
}

/* The slowest layer of a partition, by evaluating each layer on its own. */
static fcn_layer *slowest_layer(fcn_partition *part)
{
    fcn_layer *slowest = NULL;
    double worst = -1;
    for (int i = 0; i < part->layer_count; i++) {
        fcn_layer_figures f;
        fcn_layer_evaluate(&part->layers[i], &f);
        if (f.latency > worst) {
            worst = f.latency;
            slowest = &part->layers[i];
        }
    }
    return slowest;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CONFIG.json\n", argv[0]);
        return 2;
    }
    fcn_error err;
    fcn_network *net = fcn_network_read(argv[1], &err);
    if (!net) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    const fcn_eval_options opts = {.freq_mhz = 200, .reconf_time_s = 0.08255};
    printf("before: %.6f s\n", network_latency(net, &opts));

    for (int p = 0; p < net->partition_count; p++) {
        fcn_layer *layer = slowest_layer(&net->partitions[p]);
        fcn_layer changed = *layer;
        changed.coarse_out *= 2;
        if (changed.type != FCN_CONVOLUTION && changed.type != FCN_INNER_PRODUCT)
            changed.coarse_in = changed.coarse_out; /* one coarse factor */
        /* Folding leaves every tensor's shape alone, so checking the layer is enough. */
        if (fcn_layer_check(&changed, &err) == 0) {
            *layer = changed;
            printf("partition %d: %s coarse_out -> %lld\n", p, layer->name, (long long)layer->coarse_out);
        } else {
            printf("partition %d: %s stays: %s\n", p, layer->name, err.message);
        }
    }
    printf("after:  %.6f s\n", network_latency(net, &opts));
    fcn_network_free(net);
    return 0;
}
