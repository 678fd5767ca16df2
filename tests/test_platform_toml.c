/*
 * Platform files in TOML (CONFIG.md "Platform"): every shipped board with its
 * figures from the device data, the JSON twins agreeing field by field, the
 * upstream optimiser's own form, how the form is told, and each way a TOML
 * platform can be wrong, with its message.
 */
#define _DEFAULT_SOURCE /* mkstemps, for files the tests write */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "platform_file.h"

typedef struct board {
    const char *name, *part;
    int64_t lut, ff, dsp, bram_36kb, uram;
    double freq_mhz, bandwidth_gbs, capacity_bytes;
    int64_t ports, port_width;
    int has_json_twin;
} board;

/* The device data (CONFIG.md "Shipped boards"): BRAM given here in 36 Kb blocks, as the data sheets count. */
static const board BOARDS[] = {
    {"zedboard", "xc7z020clg484-1", 53200, 106400, 220, 140, 0, 100, 4.2, 512000000, 4, 64, 1},
    {"zc706", "xc7z045ffg900-2", 218600, 437200, 900, 545, 0, 150, 16, 1024000000, 2, 64, 1},
    {"zcu102", "xczu9eg-ffvb1156-2-e", 274080, 548160, 2520, 912, 0, 200, 19.2, 4294967296.0, 4, 64, 1},
    {"zcu104", "xczu7ev-ffvc1156-2-e", 230400, 460800, 1728, 312, 96, 200, 19.2, 2147483648.0, 4, 64, 0},
    {"zcu106", "xczu7ev-ffvc1156-2-e", 230400, 460800, 1728, 312, 96, 200, 19.2, 4294967296.0, 4, 64, 0},
    {"kv260", "xck26-sfvc784-2LV-c", 117120, 234240, 1248, 144, 64, 200, 19.2, 4294967296.0, 4, 64, 0},
    {"u50", "xcu50-fsvh2104-2-e", 871680, 1743360, 5952, 1344, 640, 200, 316, 8589934592.0, 32, 256, 0},
    {"u200", "xcu200-fsgd2104-2-e", 1182240, 2364480, 6840, 2160, 960, 200, 77, 68719476736.0, 4, 512, 0},
    {"u250", "xcu250-figd2104-2L-e", 1728000, 3456000, 12288, 2688, 1280, 200, 77, 68719476736.0, 4, 512, 1},
    {"u280", "xcu280-fsvh2892-2L-e", 1303680, 2607360, 9024, 2016, 960, 200, 460, 8589934592.0, 32, 256, 0},
    {"vc707", "xc7vx485tffg1761-2", 303600, 607200, 2800, 1030, 0, 200, 12.8, 1073741824.0, 1, 512, 0},
    {"vc709", "xc7vx690tffg1761-2", 433200, 866400, 3600, 1470, 0, 200, 29.856, 8589934592.0, 2, 512, 0},
    {"vcu118", "xcvu9p-flga2104-2L-e", 1182240, 2364480, 6840, 2160, 960, 200, 38.4, 8589934592.0, 2, 512, 0},
    {"vcu1525", "xcvu9p-fsgd2104-2L-e", 1182240, 2364480, 6840, 2160, 960, 200, 76.8, 68719476736.0, 4, 512, 0},
};

/* The message after the file's name must be `expected` exactly. */
static void expect_error(const char *text, const char *expected)
{
    fcn_platform platform;
    fcn_error err = {{0}};
    CHECK_INT(read_platform_text(text, ".toml", &platform, &err), -1);
    const char *after = strstr(err.message, ".toml");
    CHECK(strncmp(err.message, "/tmp/fcn_test_platform_", 23) == 0 && after != NULL);
    if (after && strcmp(after + 5, expected) != 0) {
        check_failures++;
        fprintf(stderr, "message \"%s\", expected \"...%s\"\n", err.message, expected);
    }
    CHECK(platform.resource.lut == 0); /* nothing half read is left */
}

static void check_same_platform(const fcn_platform *a, const fcn_platform *b)
{
    CHECK(strcmp(a->name, b->name) == 0);
    CHECK(strcmp(a->part, b->part) == 0);
    CHECK_INT(a->resource.lut, b->resource.lut);
    CHECK_INT(a->resource.ff, b->resource.ff);
    CHECK_INT(a->resource.dsp, b->resource.dsp);
    CHECK_INT(a->resource.bram, b->resource.bram);
    CHECK_INT(a->resource.uram, b->resource.uram);
    CHECK(a->freq_mhz == b->freq_mhz); /* exactly: Gbps / 8 and MHz are exact in binary */
    CHECK(a->reconf_time_s == b->reconf_time_s);
    CHECK(a->mem_bandwidth_gbs == b->mem_bandwidth_gbs);
    CHECK(a->mem_capacity_bytes == b->mem_capacity_bytes);
    CHECK_INT(a->ports, b->ports);
    CHECK_INT(a->port_width, b->port_width);
}

static void test_shipped_boards(void)
{
    for (size_t i = 0; i < sizeof BOARDS / sizeof BOARDS[0]; i++) {
        const board *b = &BOARDS[i];
        char path[128];
        snprintf(path, sizeof path, "../examples/platforms/%s.toml", b->name);
        fcn_platform p;
        fcn_error err = {{0}};
        CHECK_INT(fcn_platform_read(path, &p, &err), 0);
        if (err.message[0])
            fprintf(stderr, "%s\n", err.message);
        CHECK(strcmp(p.name, b->name) == 0);
        CHECK(strcmp(p.part, b->part) == 0);
        CHECK_INT(p.resource.lut, b->lut);
        CHECK_INT(p.resource.ff, b->ff);
        CHECK_INT(p.resource.dsp, b->dsp);
        CHECK_INT(p.resource.bram, 2 * b->bram_36kb); /* 18 Kb blocks */
        CHECK_INT(p.resource.uram, b->uram);
        CHECK_NEAR(p.freq_mhz, b->freq_mhz, 1e-15);
        CHECK_NEAR(p.reconf_time_s, 0.08255, 1e-15);
        CHECK_NEAR(p.mem_bandwidth_gbs, b->bandwidth_gbs, 1e-15);
        CHECK_NEAR(p.mem_capacity_bytes, b->capacity_bytes, 1e-15);
        CHECK_INT(p.ports, b->ports);
        CHECK_INT(p.port_width, b->port_width);
        if (!b->has_json_twin)
            continue;
        fcn_platform twin;
        snprintf(path, sizeof path, "../examples/platforms/%s.json", b->name);
        CHECK_INT(fcn_platform_read(path, &twin, &err), 0);
        check_same_platform(&p, &twin);
    }
}

/* A file as fpgaconvnet-optimiser writes it: no name but a board part, an [ethernet] section, no ports. */
static void test_upstream_form(void)
{
    fcn_platform p;
    fcn_error err = {{0}};
    CHECK_INT(read_platform_text("[device]\n"
                                 "#family = \"\"\n"
                                 "part = \"xcu200-fsgd2104-2-e\"\n"
                                 "board = \"xilinx.com:au200:part0:1.3\"\n"
                                 "\n"
                                 "[resources]\n"
                                 "DSP   = 6840\n"
                                 "BRAM  = 4320\n"
                                 "FF    = 2364000\n"
                                 "LUT   = 1182000\n"
                                 "URAM  = 960\n"
                                 "\n"
                                 "[system]\n"
                                 "board_frequency = 250 # in MHz\n"
                                 "memory_bandwidth = 614.4 # in Gbps\n"
                                 "reconfiguration_time = 0.08255 # in seconds\n"
                                 "port_width = 512\n"
                                 "\n"
                                 "[ethernet]\n"
                                 "bandwidth = 100.0 # in Gbps\n"
                                 "latency = 0.000005 # in seconds\n"
                                 "ports = [\"eth0\", \"eth1\"]\n",
                                 ".toml", &p, &err),
              0);
    CHECK(strcmp(p.name, "au200") == 0); /* the board part's second field, as upstream names it */
    CHECK(strcmp(p.part, "xcu200-fsgd2104-2-e") == 0);
    CHECK_INT(p.resource.dsp, 6840);
    CHECK_INT(p.resource.uram, 960);
    CHECK_NEAR(p.freq_mhz, 250.0, 1e-15);
    CHECK_NEAR(p.mem_bandwidth_gbs, 76.8, 1e-15);
    CHECK_INT(p.port_width, 512);
    CHECK_INT(p.ports, 1);                    /* not given: the JSON form's default */
    CHECK_NEAR(p.mem_capacity_bytes, 0.0, 0); /* not given */

    /* Only [resources]: what is left out is "not given", as in the JSON form. */
    CHECK_INT(read_platform_text("[resources]\nLUT = 1\nFF = 2\nDSP = 3\nBRAM = 4\n", ".toml", &p, &err), 0);
    CHECK(p.name[0] == '\0' && p.part[0] == '\0');
    CHECK_INT(p.resource.bram, 4);
    CHECK_INT(p.resource.uram, 0);
    CHECK_NEAR(p.freq_mhz, 0.0, 0);
    CHECK(p.reconf_time_s < 0);
    CHECK_NEAR(p.mem_bandwidth_gbs, 0.0, 0);
    CHECK_INT(p.ports, 1);
    CHECK_INT(p.port_width, 64);

    /* A name wins over the board part; a board part without ':' names nothing; floats where figures may be. */
    CHECK_INT(read_platform_text("[device]\nname = 'mine'\nboard = 'a:b:c'\n"
                                 "[resources]\nLUT = 1\nFF = 1\nDSP = 1\nBRAM = 1\n"
                                 "[system]\nboard_frequency = 187.5\nreconfiguration_time = 0\nmemory_capacity = 1e9\n"
                                 "ports = 2\n",
                                 ".toml", &p, &err),
              0);
    CHECK(strcmp(p.name, "mine") == 0);
    CHECK_NEAR(p.freq_mhz, 187.5, 1e-15);
    CHECK_NEAR(p.reconf_time_s, 0.0, 0);
    CHECK_NEAR(p.mem_capacity_bytes, 1e9, 1e-15);
    CHECK_INT(p.ports, 2);
    CHECK_INT(read_platform_text("[device]\nboard = 'zcu104'\n[resources]\nLUT = 1\nFF = 1\nDSP = 1\nBRAM = 1\n",
                                 ".toml", &p, &err),
              0);
    CHECK(p.name[0] == '\0');
    CHECK_INT(read_platform_text("[device]\nboard = 'vendor:last'\n[resources]\nLUT = 1\nFF = 1\nDSP = 1\nBRAM = 1\n",
                                 ".toml", &p, &err),
              0);
    CHECK(strcmp(p.name, "last") == 0);
}

/* The edge cases of the syntax, in a platform: CRLF, a byte order mark, comments, quoted keys, escapes. */
static void test_layout(void)
{
    fcn_platform p;
    fcn_error err = {{0}};
    CHECK_INT(read_platform_text("\xEF\xBB\xBF# a board\r\n"
                                 "[device]\r\n"
                                 "\"name\" = \"caf\\u00e9\\tboard\"  # quoted key, escapes\r\n"
                                 "'part' = 'xc\\literal'\r\n"
                                 "[ resources ]\r\n"
                                 "LUT = 1_182_240\r\n"
                                 "FF = 2_364_480\r\n"
                                 "DSP = 6_840\r\n"
                                 "BRAM = 4_320\r\n"
                                 "[system]\r\n"
                                 "board_frequency = 2.5e2\r\n"
                                 "memory_bandwidth = 6.144E+2\r\n"
                                 "reconfiguration_time = 8.255e-2\r\n",
                                 ".toml", &p, &err),
              0);
    CHECK(strcmp(p.name, "caf\xC3\xA9\tboard") == 0);
    CHECK(strcmp(p.part, "xc\\literal") == 0);
    CHECK_INT(p.resource.lut, 1182240);
    CHECK_INT(p.resource.bram, 4320);
    CHECK_NEAR(p.freq_mhz, 250.0, 1e-15);
    CHECK_NEAR(p.mem_bandwidth_gbs, 76.8, 1e-15);
    CHECK_NEAR(p.reconf_time_s, 0.08255, 1e-15);
}

/* ".toml" and ".json" decide the form; any other name (and standard input) is JSON when it starts with '{'. */
static void test_form_choice(void)
{
    static const char toml[] = "[resources]\nLUT = 1\nFF = 1\nDSP = 7\nBRAM = 1\n";
    static const char json[] = " \n\t{\"LUT\": 1, \"FF\": 1, \"DSP\": 8, \"BRAM\": 1}";
    fcn_platform p;
    fcn_error err = {{0}};
    CHECK_INT(read_platform_text(toml, "", &p, &err), 0);
    CHECK_INT(p.resource.dsp, 7);
    CHECK_INT(read_platform_text(toml, ".TOML", &p, &err), 0);
    CHECK_INT(read_platform_text(toml, ".txt", &p, &err), 0);
    CHECK_INT(read_platform_text(json, "", &p, &err), 0);
    CHECK_INT(p.resource.dsp, 8);
    CHECK_INT(read_platform_text("\xEF\xBB\xBF{\"LUT\": 1, \"FF\": 1, \"DSP\": 9, \"BRAM\": 1}", ".board", &p, &err),
              0);
    CHECK_INT(p.resource.dsp, 9);
    /* The extension wins over the content. */
    CHECK_INT(read_platform_text(json, ".toml", &p, &err), -1);
    CHECK_MESSAGE(err.message, ".toml:2:2: expected a key, got '{'");
    CHECK_INT(read_platform_text(toml, ".json", &p, &err), -1);
    CHECK_MESSAGE(err.message, ".json:1:10: invalid token near 'resources'");
    /* An empty file without an extension is TOML, and lacks its resources. */
    CHECK_INT(read_platform_text("", "", &p, &err), -1);
    CHECK_MESSAGE(err.message, ": platform lacks the table [resources]");
}

/* A [system] line after good resources (the line is the 7th of the file). */
static void expect_system_error(const char *line, const char *expected)
{
    char text[256];
    snprintf(text, sizeof text, "[resources]\nLUT = 1\nFF = 1\nDSP = 1\nBRAM = 1\n[system]\n%s\n", line);
    expect_error(text, expected);
}

static void test_errors(void)
{
    expect_error("[device]\nname = \"x\"\n", ": platform lacks the table [resources]");
    expect_error("resources = 1\n", ":1:13: resources must be the table [resources], got an integer");
    expect_error("system = [1]\n[resources]\n", ":1:10: system must be the table [system], got an array");
    expect_error("[resources]\nLUT = 1\nFF = 1\nBRAM = 1\n", ":1:1: platform lacks [resources] DSP");
    expect_error("[x]\n[resources]  # late\nDSP = 1\n", ":2:1: platform lacks [resources] LUT");
    expect_error("[resources]\nLUT = 1\nFF = 1\nDSP = \"900\"\nBRAM = 1\n",
                 ":4:7: platform [resources] DSP: expected an integer, got a string");
    expect_error("[resources]\nLUT = 1\nFF = 1\nDSP = 1.0\nBRAM = 1\n",
                 ":4:7: platform [resources] DSP: expected an integer, got a float");
    expect_error("[resources]\nLUT = 1\nFF = 1\nDSP = 0\nBRAM = 1\n",
                 ":4:7: platform [resources] DSP must be a whole number from 1 to 9e15, got 0");
    expect_error("[resources]\nLUT = 1\nFF = 1\nDSP = 1\nBRAM = -4\n",
                 ":5:8: platform [resources] BRAM must be a whole number from 1 to 9e15, got -4");
    expect_error("[resources]\nLUT = 9_000_000_000_000_001\nFF = 1\nDSP = 1\nBRAM = 1\n",
                 ":2:7: platform [resources] LUT must be a whole number from 1 to 9e15, got 9000000000000001");
    expect_error("[resources]\nLUT = 1\nFF = 1\nDSP = 1\nBRAM = 1\nURAM = -1\n",
                 ":6:8: platform [resources] URAM must be a whole number from 0 to 9e15, got -1");
    expect_error("[resources]\nLUT = 1\nFF = 1\nDSP = 1\nBRAM = 1\nURAM = true\n",
                 ":6:8: platform [resources] URAM: expected an integer, got a boolean");
    expect_error("[device]\nname = 3\n[resources]\n",
                 ":2:8: platform [device] name: expected a string, got an integer");
    expect_error("[device]\npart = {}\n[resources]\n", ":2:8: platform [device] part: expected a string, got a table");
    expect_error("[device]\nboard = 1.5\n[resources]\n",
                 ":2:9: platform [device] board: expected a string, got a float");

    expect_system_error("board_frequency = 0",
                        ":7:19: platform [system] board_frequency is in MHz and must be from 1 to 10000, got 0");
    expect_system_error("board_frequency = -200",
                        ":7:19: platform [system] board_frequency is in MHz and must be from 1 to 10000, got -200");
    expect_system_error("board_frequency = 20000",
                        ":7:19: platform [system] board_frequency is in MHz and must be from 1 to 10000, got 20000");
    expect_system_error("board_frequency = 200000000", ":7:19: platform [system] board_frequency is in MHz: 2e+08 MHz "
                                                       "is no FPGA clock (for 200000000 Hz write 200)");
    expect_system_error("board_frequency = \"200\"",
                        ":7:19: platform [system] board_frequency: expected a number, got a string");
    expect_system_error("memory_bandwidth = 0", ":7:20: platform [system] memory_bandwidth must be more than 0 and at "
                                                "most 8e6 Gbps, got 0 (leave it out to check no bandwidth)");
    expect_system_error("memory_bandwidth = 8.5e6",
                        ":7:20: platform [system] memory_bandwidth must be more than 0 and "
                        "at most 8e6 Gbps, got 8.5e+06 (leave it out to check no bandwidth)");
    expect_system_error("reconfiguration_time = -0.5",
                        ":7:24: platform [system] reconfiguration_time must not be negative, got -0.5");
    expect_system_error("memory_capacity = -1",
                        ":7:19: platform [system] memory_capacity must not be negative, got -1");
    expect_system_error("ports = 0",
                        ":7:9: platform [system] ports must be a whole number from 1 to 2147483647, got 0");
    expect_system_error("ports = 2147483648",
                        ":7:9: platform [system] ports must be a whole number from 1 to 2147483647, got 2147483648");
    expect_system_error("port_width = 64.0", ":7:14: platform [system] port_width: expected an integer, got a float");
    /* The reader's own messages come through with the file's name. */
    expect_error("[resources]\nLUT = 1\nLUT = 2\n", ":3:1: duplicate key resources.LUT (first at line 2)");
    expect_error("[resources]\n[resources]\n", ":2:1: duplicate table [resources] (first at line 1)");
    expect_error("[resources]\nLUT = \"1\n", ":2:7: unterminated string");
    expect_error("[resources]\nLUT = 1 x\n", ":2:9: expected the end of the line, got 'x'");
    expect_error("[device]\nname = \"\\x41\"\n", ":2:9: unknown escape \\x");
    expect_error("[resources]\nLUT = 99999999999999999999\n",
                 ":2:7: integer 99999999999999999999 is out of range (64 bits: -9223372036854775808 to "
                 "9223372036854775807)");
    expect_error("[system]\nboard_frequency = nan\n", ":2:19: nan is not supported (a figure must be finite)");
    expect_error("[ethernet]\nbandwidth = 100 Gbps\n", ":2:17: expected the end of the line, got 'G'");
    /* Control characters in the file stay out of the message (one line). */
    fcn_platform p;
    fcn_error err = {{0}};
    CHECK_INT(read_platform_text("[device]\nname = \"a\x01\"\n", ".toml", &p, &err), -1);
    CHECK(strchr(err.message, '\n') == NULL && strchr(err.message, '\x01') == NULL);
    CHECK_MESSAGE(err.message, ":2:10: control character U+0001 in a string (write it as an escape)");

    /* Larger than a platform file can reasonably be. */
    const size_t size = ((size_t)1 << 20) + 1;
    char *big = malloc(size + 1);
    CHECK(big != NULL);
    if (big) {
        memset(big, '\n', size);
        big[size] = '\0';
        CHECK_INT(read_platform_text(big, ".toml", &p, &err), -1);
        CHECK_MESSAGE(err.message, ".toml: more than 1048576 bytes; refused");
        free(big);
    }
}

int main(void)
{
    test_shipped_boards();
    test_upstream_form();
    test_layout();
    test_form_choice();
    test_errors();
    return check_summary("test_platform_toml");
}
