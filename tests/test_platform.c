/* Platform files in JSON: the optimisers' form, SAMO's form, and every way one can be wrong. */
#define _DEFAULT_SOURCE /* mkstemps, for files the tests write */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "platform_file.h"

static int read_text(const char *text, fcn_platform *out, fcn_error *err)
{
    return read_platform_text(text, ".json", out, err);
}

static void expect_error(const char *text, const char *part)
{
    fcn_platform platform;
    fcn_error err = {{0}};
    CHECK_INT(read_text(text, &platform, &err), -1);
    CHECK_MESSAGE(err.message, "/tmp/fcn_test_platform_");
    CHECK_MESSAGE(err.message, part);
    CHECK(strchr(err.message, '\n') == NULL);
}

static void test_examples(void)
{
    fcn_platform p;
    fcn_error err = {{0}};
    CHECK_INT(fcn_platform_read("../examples/platforms/zc706.json", &p, &err), 0);
    CHECK(strcmp(p.name, "zc706") == 0);
    CHECK(strcmp(p.part, "xc7z045ffg900-2") == 0);
    CHECK_INT(p.resource.dsp, 900);
    CHECK_INT(p.resource.bram, 1090);
    CHECK_INT(p.resource.ff, 437200);
    CHECK_INT(p.resource.lut, 218600);
    CHECK_INT(p.resource.uram, 0); /* the file gives no "URAM" */
    CHECK_NEAR(p.freq_mhz, 150.0, 1e-12);
    CHECK_NEAR(p.reconf_time_s, 0.08255, 1e-12);
    CHECK_NEAR(p.mem_bandwidth_gbs, 16.0, 1e-12);
    CHECK_NEAR(p.mem_capacity_bytes, 1024000000.0, 1e-12);
    CHECK_INT(p.ports, 2);
    CHECK_INT(p.port_width, 64);

    CHECK_INT(fcn_platform_read("../examples/platforms/zcu102.json", &p, &err), 0);
    CHECK_NEAR(p.mem_bandwidth_gbs, 19.2, 1e-12);
    CHECK_NEAR(p.freq_mhz, 200.0, 1e-12);
    CHECK_INT(fcn_platform_read("../examples/platforms/u250.json", &p, &err), 0);
    CHECK_INT(p.port_width, 512);
    CHECK_INT(p.resource.uram, 1280);
    CHECK_NEAR(p.mem_capacity_bytes, 68719476736.0, 1e-12);
    CHECK_INT(fcn_platform_read("../examples/platforms/zedboard.json", &p, &err), 0);
    CHECK_INT(p.resource.dsp, 220);
    CHECK_NEAR(p.freq_mhz, 100.0, 1e-12);
}

static void test_samo_form(void)
{
    fcn_platform p;
    fcn_error err = {{0}};
    CHECK_INT(read_text("{\"name\": \"zc706\", \"part\": \"xc7z045ffg900-2\", \"bandwidth\": 4.2, \"URAM\": 7,"
                        " \"resources\": {\"DSP\": 900, \"BRAM\": \"1090\", \"FF\": 437200.0, \"LUT\": 218600,"
                        " \"URAM\": \"96\"}}",
                        &p, &err),
              0);
    CHECK(strcmp(p.name, "zc706") == 0);
    CHECK_INT(p.resource.dsp, 900);
    CHECK_INT(p.resource.bram, 1090);
    CHECK_INT(p.resource.ff, 437200);
    CHECK_INT(p.resource.lut, 218600);
    CHECK_INT(p.resource.uram, 96); /* beside the other resources, not the top level's */
    CHECK_NEAR(p.mem_bandwidth_gbs, 4.2, 1e-12);
    /* What the file leaves out. */
    CHECK_NEAR(p.freq_mhz, 0.0, 0);
    CHECK(p.reconf_time_s < 0);
    CHECK_NEAR(p.mem_capacity_bytes, 0.0, 0);
    CHECK_INT(p.ports, 1);
    CHECK_INT(p.port_width, 64);
}

static void test_spellings(void)
{
    fcn_platform p;
    fcn_error err = {{0}};
    CHECK_INT(read_text("{\"DSP\": \"900\", \"BRAM\": 1090, \"FF\": 1, \"LUT\": 1, \"freq\": \"1.25e8\","
                        " \"reconf_time\": \"0.5\", \"mem_bandwidth\": 16, \"ports\": \"4\", \"port_width\": 128.0}",
                        &p, &err),
              0);
    CHECK_INT(p.resource.dsp, 900);
    CHECK_NEAR(p.freq_mhz, 125.0, 1e-12);
    CHECK_NEAR(p.reconf_time_s, 0.5, 1e-12);
    CHECK_INT(p.ports, 4);
    CHECK_INT(p.port_width, 128);
    CHECK(p.name[0] == '\0');
}

static void test_errors(void)
{
    expect_error("{\"BRAM\": 1, \"FF\": 1, \"LUT\": 1}", ": platform lacks \"DSP\"");
    expect_error("{\"resources\": {\"DSP\": 1, \"BRAM\": 1, \"FF\": 1}}", ": platform lacks \"LUT\"");
    expect_error("{\"DSP\": 0, \"BRAM\": 1, \"FF\": 1, \"LUT\": 1}",
                 ": platform \"DSP\" must be a whole number from 1 to 9e15, got 0");
    expect_error("{\"DSP\": 1, \"BRAM\": -5, \"FF\": 1, \"LUT\": 1}", "\"BRAM\" must be a whole number from 1 to 9e15, got -5");
    expect_error("{\"DSP\": 1.5, \"BRAM\": 1, \"FF\": 1, \"LUT\": 1}", "\"DSP\" must be a whole number from 1 to 9e15, got 1.5");
    /* URAM may be absent or 0 (a board without), but not negative or fractional. */
    expect_error("{\"DSP\": 1, \"BRAM\": 1, \"FF\": 1, \"LUT\": 1, \"URAM\": -1}",
                 ": platform \"URAM\" must be a whole number from 0 to 9e15, got -1");
    expect_error("{\"DSP\": 1, \"BRAM\": 1, \"FF\": 1, \"LUT\": 1, \"URAM\": 0.5}",
                 ": platform \"URAM\" must be a whole number from 0 to 9e15, got 0.5");
    expect_error("{\"DSP\": 1, \"BRAM\": 1, \"FF\": 1, \"LUT\": 1, \"URAM\": \"some\"}",
                 ": platform \"URAM\": expected a number, got \"some\"");
    expect_error("{\"DSP\": \"many\", \"BRAM\": 1, \"FF\": 1, \"LUT\": 1}", "platform \"DSP\": expected a number, got \"many\"");
    expect_error("{\"DSP\": true, \"BRAM\": 1, \"FF\": 1, \"LUT\": 1}", "platform \"DSP\": expected a number");
    expect_error("{\"DSP\": 1, \"BRAM\": 1, \"FF\": 1, \"LUT\": 1, \"freq\": -1}", "platform \"freq\" is in Hz and must be from 1e+06 to 1e+10, got -1");
    /* A zero or absurd clock is refused, not taken for the default or for a latency of centuries. */
    expect_error("{\"DSP\": 1, \"BRAM\": 1, \"FF\": 1, \"LUT\": 1, \"freq\": 0}", "platform \"freq\" is in Hz and must be from 1e+06 to 1e+10, got 0");
    expect_error("{\"DSP\": 1, \"BRAM\": 1, \"FF\": 1, \"LUT\": 1, \"freq\": 1e-300}", "\"freq\" is in Hz and must be from 1e+06 to 1e+10, got 1e-300");
    expect_error("{\"DSP\": 1, \"BRAM\": 1, \"FF\": 1, \"LUT\": 1, \"freq\": 150}", "platform \"freq\" is in Hz: 150 Hz is no FPGA clock (for 150 MHz "
                                                  "write 150000000)");
    expect_error("{\"DSP\": 1, \"BRAM\": 1, \"FF\": 1, \"LUT\": 1, \"reconf_time\": \"soon\"}",
                 "platform \"reconf_time\": expected a number, got \"soon\"");
    expect_error("{\"DSP\": 1, \"BRAM\": 1, \"FF\": 1, \"LUT\": 1, \"bandwidth\": -2}", "\"bandwidth\" must be more than 0 and at most 1e6 GB/s, got -2 (leave it out to check no bandwidth)");
    expect_error("{\"DSP\": 1, \"BRAM\": 1, \"FF\": 1, \"LUT\": 1, \"mem_bandwidth\": 0}", "\"mem_bandwidth\" must be more than 0 and at most 1e6 GB/s, "
                                                         "got 0 (leave it out to check no bandwidth)");
    expect_error("{\"DSP\": 1, \"BRAM\": 1, \"FF\": 1, \"LUT\": 1, \"ports\": 0}",
                 "platform \"ports\" must be a whole number from 1 to 2147483647, got 0");
    expect_error("{\"DSP\": 1, \"BRAM\": 1, \"FF\": 1, \"LUT\": 1, \"ports\": 1099511627776}",
                 "platform \"ports\" must be a whole number from 1 to 2147483647, got 1099511627776");
    expect_error("{\"DSP\": 1, \"BRAM\": 1, \"FF\": 1, \"LUT\": 1, \"name\": 3}", "platform \"name\": expected a string");
    expect_error("{\"resources\": [1]}", "platform \"resources\": expected an object");
    expect_error("[]", ": expected a JSON object describing a platform");
    expect_error("{\n\"DSP\": 1,\n\"BRAM\" 1}", ":3:8: ");

    /* A UTF-8 byte order mark is skipped (RFC 8259 allows it), not refused with an invisible character. */
    fcn_platform bom;
    fcn_error bom_err = {{0}};
    CHECK_INT(read_text("\xEF\xBB\xBF{\"DSP\": 2, \"BRAM\": 1, \"FF\": 1, \"LUT\": 1, \"URAM\": 0}", &bom, &bom_err), 0);
    CHECK_INT(bom.resource.dsp, 2);
    CHECK_INT(bom.resource.uram, 0);

    fcn_platform p;
    fcn_error err = {{0}};
    CHECK_INT(fcn_platform_read("data/bad/no_such_platform.json", &p, &err), -1);
    CHECK_MESSAGE(err.message, "data/bad/no_such_platform.json: cannot open: No such file or directory");
    CHECK_INT(fcn_platform_read("data/bad", &p, &err), -1);
    CHECK_MESSAGE(err.message, "data/bad: cannot read: Is a directory");
    CHECK_INT(fcn_platform_read(NULL, &p, &err), -1);
    CHECK_INT(fcn_platform_read("../examples/platforms/zc706.json", &p, NULL), 0);
}

int main(void)
{
    test_examples();
    test_samo_form();
    test_spellings();
    test_errors();
    return check_summary("test_platform");
}
