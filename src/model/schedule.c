/*
 * The schedule fpgaconvnet-hls and its runtime read: one row per partition in
 * execution order, with where each reads and writes its feature maps and
 * which partitions it waits for.
 *
 * fpgaconvnet-model 0.1.1 left both addresses at 0 (a TODO). Here the
 * partitions of a chain ping-pong between two buffers in off-chip memory,
 * each large enough for any partition's batch of inputs or outputs (outputs
 * repeated wr_factor times), so each partition reads where its predecessor
 * wrote. A DAG's tensors may be read partitions later (a skip connection), so
 * there every partition writes a buffer of its own. Addresses are in bytes.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "error.h"
#include "fpgaconvnet.h"
#include "schedule.h"

#define WORD_BYTES 2 /* the partitions' 16-bit data words */

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

static int64_t input_bytes(const fcn_partition_figures *p) { return p->workload_in * p->batch_size * WORD_BYTES; }

static int64_t output_bytes(const fcn_partition_figures *p)
{
    return p->workload_out * p->batch_size * p->wr_factor * WORD_BYTES;
}

/* Whether partition i reads a tensor that partition q wrote. */
static int reads_from(const fcn_network_figures *figures, int i, int q)
{
    const fcn_partition_figures *p = &figures->partitions[i];
    for (int e = 0; e < p->edge_count; e++)
        if (p->edges[e].from == -1 && p->edges[e].source_partition == q)
            return 1;
    return 0;
}

/*
 * Fills the row's dependencies, in the order the partitions run, counting
 * them all even beyond what the row holds (fcn_schedule_write refuses such a
 * row); returns the index of the partition that wrote its first input.
 */
static int producers(const fcn_network_figures *figures, int i, fcn_schedule_row *row)
{
    const fcn_partition_figures *p = &figures->partitions[i];
    row->dependency_count = 0;
    for (int q = 0; q < figures->partition_count; q++) {
        if (q == i || !reads_from(figures, i, q))
            continue;
        if (row->dependency_count < FCN_MAX_DEPENDENCIES)
            row->dependencies[row->dependency_count] = figures->partitions[q].id;
        row->dependency_count++;
    }
    for (int e = 0; e < p->edge_count; e++)
        if (p->edges[e].from == -1)
            return p->edges[e].source_partition < 0 ? i : p->edges[e].source_partition;
    return i;
}

int schedule_is_chain(const fcn_network_figures *figures)
{
    for (int i = 0; i < figures->partition_count; i++) {
        const fcn_partition_figures *p = &figures->partitions[i];
        if (p->inputs > 1 || p->outputs > 1)
            return 0;
        for (int e = 0; e < p->edge_count; e++) {
            int q = p->edges[e].from == -1 ? p->edges[e].source_partition : -1;
            if (q >= 0 && q != i - 1)
                return 0;
        }
    }
    return 1;
}

int64_t schedule_dag_bytes(const fcn_network_figures *figures)
{
    int64_t bytes = figures->partition_count > 0 ? input_bytes(&figures->partitions[0]) : 0;
    for (int i = 0; i < figures->partition_count; i++)
        bytes += output_bytes(&figures->partitions[i]);
    return bytes;
}

/* The first partition after i to read one of its outputs; i when none does. */
static int first_reader(const fcn_network_figures *figures, const fcn_schedule_row *rows, int i)
{
    for (int j = i + 1; j < figures->partition_count; j++)
        for (int k = 0; k < rows[j].dependency_count; k++)
            if (rows[j].dependencies[k] == figures->partitions[i].id)
                return j;
    return i;
}

void fcn_schedule(const fcn_network_figures *figures, fcn_schedule_row *rows)
{
    const int n = figures->partition_count;
    for (int i = 0; i < n; i++) /* input_dependence holds the producer's index until the rows are complete */
        rows[i].input_dependence = producers(figures, i, &rows[i]);
    const int chain = schedule_is_chain(figures);
    int64_t buffer = 0; /* a chain's two buffers are each as large as the largest tensor */
    for (int i = 0; i < n; i++)
        buffer = max64(buffer, max64(input_bytes(&figures->partitions[i]), output_bytes(&figures->partitions[i])));
    int64_t next_free = n > 0 ? input_bytes(&figures->partitions[0]) : 0;
    for (int i = 0; i < n; i++) {
        const fcn_partition_figures *p = &figures->partitions[i];
        const int from = (int)rows[i].input_dependence;
        int64_t output_addr = chain ? (i % 2 ? 0 : buffer) : next_free;
        if (!chain)
            next_free += output_bytes(p);
        rows[i].partition_id = p->id;
        rows[i].ports_in = rows[i].ports_out = p->ports;
        rows[i].input_addr = chain ? (i % 2 ? buffer : 0) : (from == i ? 0 : rows[from].output_addr);
        rows[i].output_addr = output_addr;
        rows[i].wr_factor = p->wr_factor;
        rows[i].batch_size = p->batch_size;
        rows[i].input_size = p->workload_in;
        rows[i].output_size = p->workload_out;
        rows[i].weights_size = p->size_wr;
    }
    /* A partition with no producer (consumer) depends on itself, as the runtime expects. */
    for (int i = 0; i < n; i++)
        rows[i].output_dependence = figures->partitions[chain ? (i + 1 < n ? i + 1 : i) : first_reader(figures, rows, i)].id;
    for (int i = 0; i < n; i++)
        rows[i].input_dependence = figures->partitions[rows[i].input_dependence].id;
}

static int needs_dependency_list(const fcn_schedule_row *rows, int count)
{
    for (int i = 0; i < count; i++)
        if (rows[i].dependency_count > 1)
            return 1;
    return 0;
}

int fcn_schedule_write(FILE *out, const fcn_schedule_row *rows, int count, int header, fcn_error *err)
{
    for (int i = 0; i < count; i++)
        if (rows[i].dependency_count > FCN_MAX_DEPENDENCIES)
            return fcn_fail(err, "partition %" PRId64 " reads tensors of %d partitions; a schedule row holds at most %d",
                            rows[i].partition_id, rows[i].dependency_count, FCN_MAX_DEPENDENCIES);
    const int list = needs_dependency_list(rows, count);
    if (header)
        fprintf(out, "partition_id,ports_in,ports_out,input_addr,output_addr,input_dependence,output_dependence,"
                     "weights_reloading_factor,batch_size,input_size,output_size,weights_size%s\n",
                list ? ",input_dependencies" : "");
    errno = 0;
    for (int i = 0; i < count; i++) {
        const fcn_schedule_row *r = &rows[i];
        fprintf(out, "%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
                     ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64,
                r->partition_id, r->ports_in, r->ports_out, r->input_addr, r->output_addr, r->input_dependence,
                r->output_dependence, r->wr_factor, r->batch_size, r->input_size, r->output_size, r->weights_size);
        for (int k = 0; list && k < r->dependency_count; k++) /* at most FCN_MAX_DEPENDENCIES: checked above */
            fprintf(out, "%s%" PRId64, k ? ";" : ",", r->dependencies[k]);
        if (list && r->dependency_count == 0)
            fputc(',', out);
        fputc('\n', out);
    }
    if (fflush(out) != 0 || ferror(out))
        return fcn_fail(err, "cannot write the schedule: %s", errno ? strerror(errno) : "write error");
    return 0;
}
