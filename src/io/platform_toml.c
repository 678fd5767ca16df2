/*
 * The platform file's TOML form, as fpgaconvnet-optimiser's platform files
 * write it (CONFIG.md "Platform"): [device] name, part, board; [resources]
 * LUT, FF, DSP, BRAM (18 Kb blocks), URAM; [system] board_frequency (MHz),
 * memory_bandwidth (Gbps), reconfiguration_time (s), port_width (bits), and
 * this project's ports and memory_capacity (bytes), which the JSON form has;
 * [ethernet] is read and ignored. Other keys are ignored, as in the JSON form.
 */
#include <stdio.h>
#include <string.h>

#include "platform_read.h"
#include "toml.h"

/* memory_bandwidth is in Gbps, fcn_platform's in GB/s. */
#define BITS_PER_BYTE 8.0

typedef struct toml_form {
    const toml_value *root;
    const char *source;
} toml_form;

/* The number at [table] key (only an integer where `integer` is set); where absent, placed at its table. */
static platform_value number_at(const toml_form *form, const char *table, const char *key, int integer,
                                fcn_error *err)
{
    const toml_value *section = toml_get(form->root, table), *value = toml_get(section, key);
    const toml_value *place = value ? value : section;
    platform_value v = {form->source, place ? place->line : 0, place ? place->column : 0, "", value != NULL, 0};
    snprintf(v.name, sizeof v.name, "[%s] %s", table, key);
    if (value && (value->type == TOML_INTEGER || (value->type == TOML_FLOAT && !integer)))
        v.value = value->type == TOML_INTEGER ? (double)value->as.integer : value->as.real;
    else if (value)
        v.found = platform_fail(&v, err, ": expected %s, got %s", integer ? "an integer" : "a number",
                                toml_type_name(value->type));
    return v;
}

/* The clock in MHz, with the JSON form's range (a value in Hz is told so). */
static int get_freq(const toml_form *form, double *freq_mhz, fcn_error *err)
{
    const platform_value v = number_at(form, "system", "board_frequency", 0, err);
    const double mhz = v.value;
    *freq_mhz = 0;
    if (v.found <= 0)
        return v.found;
    if (mhz >= PLATFORM_MIN_FREQ_MHZ && mhz <= PLATFORM_MAX_FREQ_MHZ) {
        *freq_mhz = mhz;
        return 0;
    }
    if (mhz >= PLATFORM_MIN_FREQ_MHZ * 1e6 && mhz <= PLATFORM_MAX_FREQ_MHZ * 1e6)
        return platform_fail(&v, err, " is in MHz: %g MHz is no FPGA clock (for %.0f Hz write %g)", mhz, mhz,
                             mhz / 1e6);
    return platform_fail(&v, err, " is in MHz and must be from %g to %g, got %g", PLATFORM_MIN_FREQ_MHZ,
                         PLATFORM_MAX_FREQ_MHZ, mhz);
}

static int get_text(const toml_form *form, const char *key, char *out, size_t size, fcn_error *err)
{
    const toml_value *value = toml_get(toml_get(form->root, "device"), key);
    out[0] = '\0';
    if (!value)
        return 0;
    if (value->type != TOML_STRING)
        return fcn_fail(err, "%s:%d:%d: platform [device] %s: expected a string, got %s", form->source, value->line,
                        value->column, key, toml_type_name(value->type));
    snprintf(out, size, "%s", value->as.string);
    return 0;
}

/* [device] name, else the board's name in a Vivado board part ("xilinx.com:zcu104:part0:1.1"), as upstream. */
static int get_name(const toml_form *form, char *name, size_t size, fcn_error *err)
{
    char board[128];
    if (get_text(form, "name", name, size, err) || get_text(form, "board", board, sizeof board, err))
        return -1;
    const char *start = strchr(board, ':');
    if (name[0] == '\0' && start) {
        const size_t length = strcspn(start + 1, ":");
        snprintf(name, size, "%.*s", (int)(length < size ? length : size - 1), start + 1);
    }
    return 0;
}

/* The sections, where present, are tables; [resources] must be. */
static int check_tables(const toml_form *form, fcn_error *err)
{
    static const char *const names[] = {"device", "resources", "system", "ethernet"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const toml_value *table = toml_get(form->root, names[i]);
        if (table && table->type != TOML_TABLE)
            return fcn_fail(err, "%s:%d:%d: %s must be the table [%s], got %s", form->source, table->line,
                            table->column, names[i], names[i], toml_type_name(table->type));
    }
    if (!toml_get(form->root, "resources"))
        return fcn_fail(err, "%s: platform lacks the table [resources]", form->source);
    return 0;
}

static int read_form(const toml_form *form, fcn_platform *out, fcn_error *err)
{
    fcn_resource *r = &out->resource;
    if (check_tables(form, err) || get_name(form, out->name, sizeof out->name, err) ||
        get_text(form, "part", out->part, sizeof out->part, err) ||
        platform_resource(number_at(form, "resources", "LUT", 1, err), 1, &r->lut, err) ||
        platform_resource(number_at(form, "resources", "FF", 1, err), 1, &r->ff, err) ||
        platform_resource(number_at(form, "resources", "DSP", 1, err), 1, &r->dsp, err) ||
        platform_resource(number_at(form, "resources", "BRAM", 1, err), 1, &r->bram, err) ||
        platform_resource(number_at(form, "resources", "URAM", 1, err), 0, &r->uram, err) ||
        get_freq(form, &out->freq_mhz, err) ||
        platform_amount(number_at(form, "system", "reconfiguration_time", 0, err), -1, &out->reconf_time_s, err) ||
        platform_bandwidth(number_at(form, "system", "memory_bandwidth", 0, err), 1.0 / BITS_PER_BYTE, "8e6 Gbps",
                           &out->mem_bandwidth_gbs, err) ||
        platform_amount(number_at(form, "system", "memory_capacity", 0, err), 0, &out->mem_capacity_bytes, err) ||
        platform_count(number_at(form, "system", "ports", 1, err), PLATFORM_DEFAULT_PORTS, &out->ports, err) ||
        platform_count(number_at(form, "system", "port_width", 1, err), PLATFORM_DEFAULT_PORT_WIDTH,
                       &out->port_width, err))
        return -1;
    return 0;
}

int platform_read_toml(const char *text, size_t length, const char *source, fcn_platform *out, fcn_error *err)
{
    toml_value *root = toml_parse(text, length, source, err);
    if (!root)
        return -1;
    const toml_form form = {root, source};
    const int rc = read_form(&form, out, err);
    toml_free(root);
    return rc;
}
