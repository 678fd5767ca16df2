/* A minimal test harness: CHECK records a failure and carries on; main returns check_summary(). */
#ifndef FCN_TEST_CHECK_H
#define FCN_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures, check_count;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        check_count++;                                                                \
        if (!(cond)) {                                                                \
            check_failures++;                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);  \
        }                                                                             \
    } while (0)

#define CHECK_INT(actual, expected)                                                   \
    do {                                                                              \
        long long a_ = (long long)(actual), e_ = (long long)(expected);               \
        check_count++;                                                                \
        if (a_ != e_) {                                                               \
            check_failures++;                                                         \
            fprintf(stderr, "%s:%d: %s is %lld, expected %lld\n", __FILE__, __LINE__, \
                    #actual, a_, e_);                                                 \
        }                                                                             \
    } while (0)

#define CHECK_NEAR(actual, expected, rel)                                             \
    do {                                                                              \
        double a_ = (actual), e_ = (expected);                                        \
        check_count++;                                                                \
        if (!(fabs(a_ - e_) <= (rel) * fmax(fabs(e_), 1e-300))) {                     \
            check_failures++;                                                         \
            fprintf(stderr, "%s:%d: %s is %.17g, expected %.17g\n", __FILE__, __LINE__, \
                    #actual, a_, e_);                                                 \
        }                                                                             \
    } while (0)

/* The message must contain `part`. */
#define CHECK_MESSAGE(message, part)                                                  \
    do {                                                                              \
        check_count++;                                                                \
        if (!strstr((message), (part))) {                                             \
            check_failures++;                                                         \
            fprintf(stderr, "%s:%d: message \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, \
                    (message), (part));                                               \
        }                                                                             \
    } while (0)

static inline int check_summary(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures ? 1 : 0;
}

#endif
