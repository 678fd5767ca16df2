/*
 * The schedule fpgaconvnet-hls and its runtime read: one row per partition in
 * execution order, with where each reads and writes its feature maps.
 *
 * fpgaconvnet-model 0.1.1 left both addresses at 0 (a TODO). Here the
 * partitions of a chain ping-pong between two buffers in off-chip memory,
 * each large enough for any partition's batch of inputs or outputs
 * (outputs repeated wr_factor times), so each partition reads where its
 * predecessor wrote. Addresses are in bytes.
 */
#include <inttypes.h>

#include "error.h"
#include "fpgaconvnet.h"

#define WORD_BYTES 2 /* the partitions' 16-bit data words */

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

static int64_t buffer_bytes(const fcn_network_figures *figures)
{
    int64_t words = 0;
    for (int i = 0; i < figures->partition_count; i++) {
        const fcn_partition_figures *p = &figures->partitions[i];
        words = max64(words, p->workload_in * p->batch_size);
        words = max64(words, p->workload_out * p->batch_size * p->wr_factor);
    }
    return words * WORD_BYTES;
}

void fcn_schedule(const fcn_network_figures *figures, fcn_schedule_row *rows)
{
    const int n = figures->partition_count;
    const int64_t second_buffer = buffer_bytes(figures);
    for (int i = 0; i < n; i++) {
        const fcn_partition_figures *p = &figures->partitions[i];
        rows[i] = (fcn_schedule_row){
            .partition_id = p->id,
            .ports_in = p->ports,
            .ports_out = p->ports,
            .input_addr = i % 2 ? second_buffer : 0,
            .output_addr = i % 2 ? 0 : second_buffer,
            /* A partition with no producer (consumer) depends on itself, as the runtime expects. */
            .input_dependence = figures->partitions[i > 0 ? i - 1 : i].id,
            .output_dependence = figures->partitions[i + 1 < n ? i + 1 : i].id,
            .wr_factor = p->wr_factor,
            .batch_size = p->batch_size,
            .input_size = p->workload_in,
            .output_size = p->workload_out,
            .weights_size = p->size_wr,
        };
    }
}

int fcn_schedule_write(FILE *out, const fcn_schedule_row *rows, int count, int header, fcn_error *err)
{
    if (header)
        fprintf(out, "partition_id,ports_in,ports_out,input_addr,output_addr,input_dependence,output_dependence,"
                     "weights_reloading_factor,batch_size,input_size,output_size,weights_size\n");
    for (int i = 0; i < count; i++) {
        const fcn_schedule_row *r = &rows[i];
        fprintf(out, "%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
                     ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 "\n",
                r->partition_id, r->ports_in, r->ports_out, r->input_addr, r->output_addr, r->input_dependence,
                r->output_dependence, r->wr_factor, r->batch_size, r->input_size, r->output_size, r->weights_size);
    }
    if (fflush(out) != 0 || ferror(out))
        return fcn_fail(err, "cannot write the schedule");
    return 0;
}
