/* Internal: the two report writers behind fcn_report_write, and what they share. */
#ifndef FCN_REPORT_H
#define FCN_REPORT_H

#include "fpgaconvnet.h"

int report_write_text(FILE *out, const fcn_network_figures *figures, const fcn_platform *platform,
                      const fcn_violations *violations,
                      fcn_error *err);
int report_write_json(FILE *out, const fcn_network_figures *figures, const fcn_platform *platform,
                      const fcn_violations *violations,
                      fcn_error *err);

/* used / available as a percentage, or a negative number when nothing is available to compare with. */
static inline double report_percent(double used, double available)
{
    return available > 0 ? 100.0 * used / available : -1.0;
}

/* A layer's latency as a fraction of its partition's interval (0 for an empty interval). */
static inline double report_interval_share(double latency, double interval)
{
    return interval > 0 ? latency / interval : 0.0;
}

#endif
