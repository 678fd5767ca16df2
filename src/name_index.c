/* Names to indices: open addressing with linear probing over an FNV-1a hash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "name_index.h"

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static size_t slot_of(const name_index *ix, const char *key)
{
    size_t mask = ix->capacity - 1, i = (size_t)hash(key) & mask;
    while (ix->keys[i] && strcmp(ix->keys[i], key) != 0)
        i = (i + 1) & mask;
    return i;
}

static int allocate(name_index *ix, size_t capacity)
{
    ix->keys = calloc(capacity, sizeof *ix->keys);
    ix->values = malloc(capacity * sizeof *ix->values);
    ix->capacity = capacity;
    ix->count = 0;
    if (ix->keys && ix->values)
        return 0;
    name_index_free(ix);
    return -1;
}

int name_index_init(name_index *ix, size_t expected)
{
    size_t capacity = 16;
    while (capacity < 2 * expected && capacity < ((size_t)1 << 40))
        capacity *= 2;
    return allocate(ix, capacity);
}

void name_index_free(name_index *ix)
{
    free(ix->keys);
    free(ix->values);
    ix->keys = NULL;
    ix->values = NULL;
    ix->capacity = ix->count = 0;
}

static int grow(name_index *ix)
{
    name_index bigger;
    if (allocate(&bigger, ix->capacity * 2))
        return -1;
    for (size_t i = 0; i < ix->capacity; i++)
        if (ix->keys[i]) {
            size_t s = slot_of(&bigger, ix->keys[i]);
            bigger.keys[s] = ix->keys[i];
            bigger.values[s] = ix->values[i];
            bigger.count++;
        }
    name_index_free(ix);
    *ix = bigger;
    return 0;
}

int name_index_put(name_index *ix, const char *key, int value)
{
    if (!ix->keys)
        return -2;
    size_t s = slot_of(ix, key);
    if (ix->keys[s])
        return ix->values[s];
    if (2 * (ix->count + 1) > ix->capacity) {
        if (grow(ix))
            return -2;
        s = slot_of(ix, key);
    }
    ix->keys[s] = key;
    ix->values[s] = value;
    ix->count++;
    return -1;
}

int name_index_get(const name_index *ix, const char *key)
{
    if (!ix->keys || !key)
        return -1;
    size_t s = slot_of(ix, key);
    return ix->keys[s] ? ix->values[s] : -1;
}
