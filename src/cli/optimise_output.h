/* Internal to `fpgaconvnet optimise`: the output directory, built aside and moved into place whole. */
#ifndef FCN_CLI_OPTIMISE_OUTPUT_H
#define FCN_CLI_OPTIMISE_OUTPUT_H

#include <stdio.h>

#include "cli.h"

#define STAGE_MAX_FILES 40

/* A directory beside OUTDIR that receives every output, then becomes OUTDIR. */
typedef struct stage {
    const char *outdir;
    char path[4096];                 /* the staging directory */
    int file_count;
    char files[STAGE_MAX_FILES][256]; /* the names created in it, to remove on failure */
} stage;

/*
 * Checks that OUTDIR is absent or an empty directory (a run never overwrites a user's files) and
 * creates the staging directory next to it. 0, or the exit status after printing the error.
 */
int stage_open(stage *st, const char *outdir);
/* The path of a new file `name` in the staging directory (recorded for clean-up). */
const char *stage_file(stage *st, const char *name, char *buffer, size_t size);
/* Moves the staging directory to OUTDIR. 0, or the exit status after printing the error. */
int stage_commit(stage *st);
/* Removes the staging directory and the files created in it. */
void stage_abandon(stage *st);

/*
 * topology.png (and topology.svg when the png had to be scaled far down), drawn within a few seconds
 * in a child process, and by `deadline` (a cli_now() time; 0 for none) unless that leaves less than
 * a second; a picture that cannot be drawn in time is left out, with one line on stderr.
 */
void write_picture(stage *st, const fcn_network_figures *figures, double deadline);

/* Writes the configuration (in `format`), report.json, scheduler.csv and topology.png (by `picture_deadline`,
 * as above) into the stage. */
int write_outputs(stage *st, const char *name, const fcn_network *net, fcn_config_format format,
                  const fcn_platform *platform, const fcn_eval_options *opts, double picture_deadline);

/* bound.json: the bound of the network on the board (docs/OPTIMISER-BOUND.md) and the design's ratio to it. */
int write_bound(stage *st, const fcn_bound *bound, double allocation, double ratio);

#endif
