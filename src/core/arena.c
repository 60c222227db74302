/* arena.c -- the graph: node blocks that never move, mark/reset, and the
 * watches that learn when a reset drops nodes they hold.  Labels and groups
 * are in label.c, the aux arena in aux.c, errors in error.c. */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE   /* madvise, for huge pages under big slabs */
#endif
#include "core/core.h"

#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

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
    /* whoever still watches this graph learns that it is gone */
    for (mg__watch *w = g->watches; w; w = w->next) {
        w->g = NULL;
        w->dropped = 1;
    }
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
    bytes += g->cap_marks * sizeof *g->marks + g->cap_topo * sizeof *g->topo;
    return bytes;
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
                mg__error(g, "%s: the graph is full (%zu nodes)", "%s: el grafo está lleno (%zu nodos)",
                          mg_op_name(op), id);
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
    mg__error(g, "%s: out of memory after %zu nodes", "%s: sin memoria después de %zu nodos",
              mg_op_name(op), id);
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


/* ----------------------------------------------------------- mark/reset */

size_t mg_graph_mark(const mg_graph *g_const) {
    if (!g_const) return 0;
    /* Taking a mark records where the aux arena and the groups stand, so a
     * reset can drop the labels made after it too.  The graph is logically
     * unchanged, hence the const in the signature. */
    mg_graph *g = (mg_graph *)g_const;
    while (g->n_marks && g->marks[g->n_marks - 1].n_nodes > g->n_nodes) g->n_marks--;
    if (g->n_marks && g->marks[g->n_marks - 1].n_nodes == g->n_nodes) {
        mg_checkpoint *top = &g->marks[g->n_marks - 1];
        top->aux = mg__aux_pos(g);
        top->n_groups = g->n_groups;
    } else if (mg__grow((void **)&g->marks, &g->cap_marks, g->n_marks + 1, sizeof *g->marks)) {
        g->marks[g->n_marks++] = (mg_checkpoint){g->n_nodes, mg__aux_pos(g), g->n_groups};
    }
    return g->n_nodes;
}

void mg_graph_reset(mg_graph *g, size_t mark) {
    if (!g) return;
    if (mark > g->n_nodes) {
        mg__error(g, "mg_graph_reset: mark %zu is beyond the graph's %zu nodes",
                  "mg_graph_reset: la marca %zu está más allá de los %zu nodos del grafo", mark,
                  g->n_nodes);
        return;
    }
    g->n_nodes = mark;
    set_cursor(g);
    for (mg__watch *w = g->watches; w; w = w->next)
        if (mark < w->needs) w->dropped = 1;
    while (g->n_meta > 1 && g->meta[g->n_meta - 1].node_id >= mark) g->n_meta--;
    while (g->n_marks && g->marks[g->n_marks - 1].n_nodes > mark) g->n_marks--;
    unsigned n_groups = g->n_groups;
    if (g->n_marks && g->marks[g->n_marks - 1].n_nodes == mark) {
        const mg_checkpoint *cp = &g->marks[g->n_marks - 1];
        mg__aux_restore(g, cp->aux);
        n_groups = cp->n_groups;
    } else if (mark == 0) {
        mg__aux_restore(g, (mg_aux_pos){0, 0});
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
    mg__drop_groups(g, n_groups);
}


/* -------------------------------------------------------------- watches */

void mg__watch_add(mg_graph *g, mg__watch *w, size_t needs) {
    *w = (mg__watch){.prev = NULL, .next = g->watches, .g = g, .needs = needs, .dropped = 0};
    if (g->watches) g->watches->prev = w;
    g->watches = w;
}

void mg__watch_remove(mg__watch *w) {
    if (!w->g) return;   /* the graph is gone, and its list with it */
    if (w->prev) w->prev->next = w->next;
    else w->g->watches = w->next;
    if (w->next) w->next->prev = w->prev;
    w->g = NULL;
}
