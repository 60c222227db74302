/* graph.c -- the arena: node blocks, mark/reset, labels, groups, errors. */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE   /* madvise, for huge pages under big slabs */
#endif
#include "internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#define MG_AUX_BLOCK_BYTES ((size_t)1 << 16)

int mg__grow(void **arr, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return 1;
    size_t cap2 = *cap ? *cap : 16;
    while (cap2 < need) {
        if (cap2 > SIZE_MAX / 2 / size) return 0;
        cap2 *= 2;
    }
    void *p = realloc(*arr, cap2 * size);
    if (!p) return 0;
    *arr = p;
    *cap = cap2;
    return 1;
}

void mg__error(mg_graph *g, const char *fmt, ...) {
    if (!g || g->has_error) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->error, sizeof g->error, fmt, ap);
    va_end(ap);
    g->has_error = 1;
}

const char *mg_graph_error(const mg_graph *g) {
    return g && g->has_error ? g->error : NULL;
}

void mg_graph_clear_error(mg_graph *g) {
    if (g) g->has_error = 0;
}

mg_graph *mg_graph_new(void) {
    mg_graph *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    /* entry 0 of meta and groups means "none" */
    g->meta = calloc(16, sizeof *g->meta);
    g->groups = calloc(16, sizeof *g->groups);
    if (!g->meta || !g->groups) {
        mg_graph_free(g);
        return NULL;
    }
    g->cap_meta = 16;
    g->n_meta = 1;
    g->cap_groups = 16;
    g->n_groups = 1;
    return g;
}

void mg_graph_free(mg_graph *g) {
    if (!g) return;
    for (size_t i = 0; i < g->n_slabs; i++) free(g->slabs[i]);
    free(g->slabs);
    for (size_t i = 0; i < g->n_aux; i++) free(g->aux[i].mem);
    free(g->blocks);
    free(g->aux);
    free(g->meta);
    free(g->groups);
    free(g->open);
    free(g->marks);
    free(g->topo);
    free(g->skip);
    free(g->topo_leaves);
    free(g->bundles);
    free(g->packs);
    free(g->pack_src);
    free(g->pack_vals);
    free(g->pack_grads);
    free(g);
}

size_t mg_graph_size(const mg_graph *g) { return g ? g->n_nodes : 0; }

size_t mg_graph_bytes(const mg_graph *g) {
    if (!g) return 0;
    size_t bytes = sizeof *g + g->cap_blocks * sizeof *g->blocks + g->cap_slabs * sizeof *g->slabs;
    for (size_t i = 0, k = 1; i < g->n_slabs; i++, k = k < MG_SLAB_MAX_BLOCKS ? 2 * k : k)
        bytes += k * MG_BLOCK_BYTES;   /* + up to one block of alignment slack, never touched */
    for (size_t i = 0; i < g->n_aux; i++) bytes += g->aux[i].cap;
    bytes += g->cap_aux * sizeof *g->aux + g->cap_meta * sizeof *g->meta;
    bytes += (size_t)g->cap_groups * sizeof *g->groups + (size_t)g->cap_open * sizeof *g->open;
    bytes += g->cap_marks * sizeof *g->marks + g->cap_topo * sizeof *g->topo +
             g->cap_skip * sizeof *g->skip + g->cap_topo_leaves * sizeof *g->topo_leaves +
             g->cap_bundles * sizeof *g->bundles +
             g->cap_packs * sizeof *g->packs + g->cap_pack_src * sizeof *g->pack_src +
             g->cap_pack_vals * sizeof *g->pack_vals + g->cap_pack_grads * sizeof *g->pack_grads;
    return bytes;
}

/* ------------------------------------------------------------ aux arena */

static mg_aux_pos aux_pos(const mg_graph *g) {
    mg_aux_pos p = {g->aux_cur, g->n_aux ? g->aux[g->aux_cur].used : 0};
    return p;
}

static void aux_restore(mg_graph *g, mg_aux_pos p) {
    if (!g->n_aux) return;
    g->aux_cur = p.block;
    g->aux[p.block].used = p.used;
    for (size_t i = p.block + 1; i < g->n_aux; i++) g->aux[i].used = 0;
}

/* `bytes` bytes aligned for pointers and doubles, or NULL. */
void *mg__aux_alloc(mg_graph *g, size_t bytes) {
    const size_t align = sizeof(double) > sizeof(void *) ? sizeof(double) : sizeof(void *);
    if (bytes > SIZE_MAX - align || g->fail_allocs) return NULL;
    bytes = (bytes + align - 1) / align * align;
    /* the current block, then the free ones after it */
    for (size_t i = g->aux_cur; i < g->n_aux; i++) {
        mg_aux_block *b = &g->aux[i];
        if (b->cap - b->used >= bytes) {
            void *p = b->mem + b->used;
            b->used += bytes;
            g->aux_cur = i;
            return p;
        }
    }
    size_t cap = bytes > MG_AUX_BLOCK_BYTES ? bytes : MG_AUX_BLOCK_BYTES;
    if (!mg__grow((void **)&g->aux, &g->cap_aux, g->n_aux + 1, sizeof *g->aux)) return NULL;
    char *mem = malloc(cap);
    if (!mem) return NULL;
    g->aux[g->n_aux] = (mg_aux_block){mem, cap, bytes};
    g->aux_cur = g->n_aux++;
    return mem;
}

static char *aux_strdup(mg_graph *g, const char *s, size_t *cap) {
    size_t n = strlen(s) + 1;
    char *p = mg__aux_alloc(g, n);
    if (!p) return NULL;   /* *cap untouched: it describes the old bytes */
    memcpy(p, s, n);
    if (cap) *cap = n;
    return p;
}

/* ---------------------------------------------------------------- nodes */

/* Point next/limit at the slot of id n_nodes, if its block exists. */
static void set_cursor(mg_graph *g) {
    size_t bi = g->n_nodes / MG_NODES_PER_BLOCK;
    if (bi < g->n_blocks) {
        g->next = g->blocks[bi]->nodes + g->n_nodes % MG_NODES_PER_BLOCK;
        g->limit = g->blocks[bi]->nodes + MG_NODES_PER_BLOCK;
    } else {
        g->next = g->limit = NULL;
    }
}

/* Big slabs are touched front to back as nodes are made: on Linux, ask for
 * transparent huge pages so that a fresh graph takes one page fault per 2 MiB
 * instead of one per 4 KiB (first-touch faults dominate building a big graph
 * on a VM).  Only whole 2 MiB pages inside the slab are advised. */
static void advise_huge_pages(char *p, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t hi = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (hi > lo) (void)madvise((void *)lo, (size_t)(hi - lo), MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

/* A fresh block, aligned to its size, from the current slab or a new one.
 * A slab is allocated with one spare block of room so that its blocks can
 * be aligned by hand: plain malloc, no aligned_alloc trimming. */
static mg_block *next_block(mg_graph *g) {
    if (g->slab_next == g->slab_end) {
        size_t k = 1;
        for (size_t i = 0; i < g->n_slabs && k < MG_SLAB_MAX_BLOCKS; i++) k *= 2;
        if (!mg__grow((void **)&g->slabs, &g->cap_slabs, g->n_slabs + 1, sizeof *g->slabs))
            return NULL;
        char *raw = malloc((k + 1) * MG_BLOCK_BYTES);
        if (!raw) return NULL;
        g->slabs[g->n_slabs++] = raw;
        uintptr_t a = ((uintptr_t)raw + MG_BLOCK_BYTES - 1) & ~(uintptr_t)(MG_BLOCK_BYTES - 1);
        g->slab_next = raw + (a - (uintptr_t)raw);
        g->slab_end = g->slab_next + k * MG_BLOCK_BYTES;
        advise_huge_pages(g->slab_next, k * MG_BLOCK_BYTES);
    }
    mg_block *b = (mg_block *)(void *)g->slab_next;
    g->slab_next += MG_BLOCK_BYTES;
    return b;
}

/* The slow path of mg__node: a new block, or a group to tag the node with. */
mg_value *mg__new_node(mg_graph *g, mg_op op) {
    size_t id = g->n_nodes;
    if (g->next == g->limit) {
        size_t bi = id / MG_NODES_PER_BLOCK;
        if (bi == g->n_blocks) {
            if (id > UINT32_MAX) {   /* meta entries keep 32-bit indices */
                mg__error(g, "%s: the graph is full (%zu nodes)", mg_op_name(op), id);
                return NULL;
            }
            if (g->fail_allocs) goto oom;
            if (!mg__grow((void **)&g->blocks, &g->cap_blocks, bi + 1, sizeof *g->blocks)) goto oom;
            mg_block *b = next_block(g);
            if (!b) goto oom;
            b->graph = g;
            b->first_id = bi * MG_NODES_PER_BLOCK;
            g->blocks[g->n_blocks++] = b;
        }
        set_cursor(g);
    }
    mg_value *v = g->next++;
    memset(v, 0, sizeof *v);
    v->op = (uint8_t)op;
    g->n_nodes++;
    if (g->n_open) mg_group_set(v, g->open[g->n_open - 1]);
    return v;
oom:
    mg__error(g, "%s: out of memory after %zu nodes", mg_op_name(op), id);
    return NULL;
}

size_t mg_value_id(const mg_value *v) {
    return v ? mg__id(v) : 0;
}

mg_graph *mg_value_graph(const mg_value *v) { return v ? mg__graph_of(v) : NULL; }

mg_value *mg_leaf(mg_graph *g, double data, const char *label) {
    if (!g) return NULL;
    mg_value *v = mg__node(g, MG_OP_LEAF);
    if (!v) return NULL;
    v->data = data;
    v->u.in[0] = v->u.in[1] = NULL;
    if (label && !mg_label(v, label)) return NULL;
    return v;
}

const char *mg__name(const mg_value *v, char buf[32]) {
    const char *label = mg_value_label(v);
    if (label) return label;
    snprintf(buf, 32, "#%zu", mg_value_id(v));
    return buf;
}

/* --------------------------------------------------------- labels, meta */

/* The meta entry of v, making one when `create` (NULL when out of memory). */
static mg_meta *meta_of(mg_value *v, int create) {
    mg_graph *g = mg__graph_of(v);
    if (v->meta) return &g->meta[v->meta];
    if (!create) return NULL;
    if (!mg__grow((void **)&g->meta, &g->cap_meta, g->n_meta + 1, sizeof *g->meta)) return NULL;
    size_t id = mg_value_id(v);
    /* keep entries sorted by node id: usually v is the newest, so this
     * appends; naming an older node shifts the entries after it */
    size_t at = g->n_meta;
    if (at == 1 || g->meta[at - 1].node_id < id) {   /* the common case */
        g->meta[at] = (mg_meta){id, NULL, 0, 0};
        g->n_meta++;
        v->meta = (uint32_t)at;
        return &g->meta[at];
    }
    while (at > 1 && g->meta[at - 1].node_id > id) at--;
    memmove(&g->meta[at + 1], &g->meta[at], (g->n_meta - at) * sizeof *g->meta);
    g->n_meta++;
    for (size_t i = at + 1; i < g->n_meta; i++) {
        mg_value *w = g->blocks[g->meta[i].node_id / MG_NODES_PER_BLOCK]->nodes +
                      g->meta[i].node_id % MG_NODES_PER_BLOCK;
        w->meta = (uint32_t)i;
    }
    g->meta[at] = (mg_meta){id, NULL, 0, 0};
    v->meta = (uint32_t)at;
    return &g->meta[at];
}

/* A string allocated now for a node made before the newest mark must
 * survive a reset to that mark: move such marks' aux positions up to here. */
static void keep_for_old_node(mg_graph *g, size_t id) {
    mg_aux_pos here = aux_pos(g);
    for (size_t i = 0; i < g->n_marks; i++)
        if (g->marks[i].n_nodes > id) g->marks[i].aux = here;
}

mg_value *mg_label(mg_value *v, const char *label) {
    if (!v) return NULL;
    mg_graph *g = mg__graph_of(v);
    if (!label) {
        if (v->meta) g->meta[v->meta].label = NULL;
        return v;
    }
    mg_meta *m = meta_of(v, 1);
    if (!m) goto oom;
    size_t n = strlen(label) + 1;
    if (m->label && n <= m->label_cap) {   /* reuse the old label's bytes */
        memmove(m->label, label, n);           /* label may be a tail of the old one */
        return v;
    }
    char *copy = aux_strdup(g, label, &m->label_cap);
    if (!copy) goto oom;
    m->label = copy;
    keep_for_old_node(g, m->node_id);
    return v;
oom:
    mg__error(g, "mg_label: out of memory copying a label of %zu bytes", strlen(label));
    return NULL;
}

const char *mg_value_label(const mg_value *v) {
    if (!v || !v->meta) return NULL;
    return mg__graph_of(v)->meta[v->meta].label;
}

mg_value *mg_freeze(mg_value *v, int frozen) {
    if (!v) return NULL;
    if (frozen) v->flags |= MG_FROZEN;
    else v->flags &= (uint8_t)~MG_FROZEN;
    return v;
}

int mg_is_frozen(const mg_value *v) { return v && (v->flags & MG_FROZEN); }

/* --------------------------------------------------------------- groups */

unsigned mg_group_push(mg_graph *g, const char *label) {
    if (!g) return 0;
    size_t cap = g->cap_groups, cap_open = g->cap_open;
    int ok = mg__grow((void **)&g->groups, &cap, (size_t)g->n_groups + 1, sizeof *g->groups) &&
             mg__grow((void **)&g->open, &cap_open, (size_t)g->n_open + 1, sizeof *g->open);
    g->cap_groups = (unsigned)cap;
    g->cap_open = (unsigned)cap_open;
    char *copy = ok ? aux_strdup(g, label ? label : "", NULL) : NULL;
    if (!copy) {
        mg__error(g, "mg_group_push: out of memory");
        return 0;
    }
    unsigned id = g->n_groups++;
    g->groups[id] = (mg_group){copy, g->n_open ? g->open[g->n_open - 1] : 0, g->n_nodes};
    g->open[g->n_open++] = id;
    return id;
}

/* Rename group `group` (nn.c names a neuron's cluster after the neuron).
 * The copy must outlive every reset to a mark taken after the group was
 * made, since such resets keep the group: move those marks' aux positions
 * past the new string, as keep_for_old_node does for labels. */
int mg__group_relabel(mg_graph *g, unsigned group, const char *label) {
    if (!g || !group || group >= g->n_groups || !label) return -1;
    char *copy = aux_strdup(g, label, NULL);
    if (!copy) {
        mg__error(g, "mg_group_relabel: out of memory");
        return -1;
    }
    g->groups[group].label = copy;
    mg_aux_pos here = aux_pos(g);
    for (size_t i = 0; i < g->n_marks; i++)
        if (g->marks[i].n_groups > group) g->marks[i].aux = here;
    return 0;
}

void mg_group_pop(mg_graph *g) {
    if (g && g->n_open) g->n_open--;
}

mg_value *mg_group_set(mg_value *v, unsigned group) {
    if (!v) return NULL;
    if (!group && !v->meta) return v;
    mg_meta *m = meta_of(v, 1);
    if (!m) {
        mg__error(mg__graph_of(v), "mg_group_set: out of memory");
        return NULL;
    }
    m->group = group;
    return v;
}

unsigned mg_value_group(const mg_value *v) {
    if (!v || !v->meta) return 0;
    return mg__graph_of(v)->meta[v->meta].group;
}

const char *mg_group_label(const mg_graph *g, unsigned group) {
    return g && group && group < g->n_groups ? g->groups[group].label : NULL;
}

unsigned mg_group_parent(const mg_graph *g, unsigned group) {
    return g && group && group < g->n_groups ? g->groups[group].parent : 0;
}

unsigned mg_group_count(const mg_graph *g) { return g ? g->n_groups - 1 : 0; }

/* ----------------------------------------------------------- mark/reset */

/* Forget groups n and above: close the open ones, and take kept nodes out
 * of them (their ids will be given to new groups). */
static void drop_groups(mg_graph *g, unsigned n) {
    if (n >= g->n_groups) return;
    g->n_groups = n;
    while (g->n_open && g->open[g->n_open - 1] >= n) g->n_open--;
    for (size_t i = 1; i < g->n_meta; i++)
        if (g->meta[i].group >= n) g->meta[i].group = 0;
}

size_t mg_graph_mark(const mg_graph *g_const) {
    if (!g_const) return 0;
    /* Taking a mark records where the aux arena and the groups stand, so a
     * reset can drop the labels made after it too.  The graph is logically
     * unchanged, hence the const in the signature. */
    mg_graph *g = (mg_graph *)g_const;
    while (g->n_marks && g->marks[g->n_marks - 1].n_nodes > g->n_nodes) g->n_marks--;
    if (g->n_marks && g->marks[g->n_marks - 1].n_nodes == g->n_nodes) {
        mg_checkpoint *top = &g->marks[g->n_marks - 1];
        top->aux = aux_pos(g);
        top->n_groups = g->n_groups;
    } else if (mg__grow((void **)&g->marks, &g->cap_marks, g->n_marks + 1, sizeof *g->marks)) {
        g->marks[g->n_marks++] = (mg_checkpoint){g->n_nodes, aux_pos(g), g->n_groups};
    }
    return g->n_nodes;
}

void mg_graph_reset(mg_graph *g, size_t mark) {
    if (!g) return;
    if (mark > g->n_nodes) {
        mg__error(g, "mg_graph_reset: mark %zu is beyond the graph's %zu nodes", mark,
                  g->n_nodes);
        return;
    }
    g->n_nodes = mark;
    set_cursor(g);
    g->generation++;
    while (g->n_meta > 1 && g->meta[g->n_meta - 1].node_id >= mark) g->n_meta--;
    while (g->n_marks && g->marks[g->n_marks - 1].n_nodes > mark) g->n_marks--;
    unsigned n_groups = g->n_groups;
    if (g->n_marks && g->marks[g->n_marks - 1].n_nodes == mark) {
        const mg_checkpoint *cp = &g->marks[g->n_marks - 1];
        aux_restore(g, cp->aux);
        n_groups = cp->n_groups;
    } else if (mark == 0) {
        aux_restore(g, (mg_aux_pos){0, 0});
        n_groups = 1;
    } else {
        /* a mark not taken with mg_graph_mark (a plain node count): drop the
         * groups pushed since the graph had that many nodes; the label bytes
         * made since cannot be told from older ones this time, so record a
         * checkpoint here and reclaim from it on the next reset to this mark */
        while (n_groups > 1 && g->groups[n_groups - 1].made_at >= mark) n_groups--;
        mg_graph_mark(g);
        if (g->n_marks && g->marks[g->n_marks - 1].n_nodes == mark)
            g->marks[g->n_marks - 1].n_groups = n_groups;
    }
    drop_groups(g, n_groups);
}
