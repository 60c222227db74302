/* label.c -- names and clusters: a node's label and group live in a meta
 * entry (appended when the node first gets one, whatever its age, so
 * naming is O(1); a reset drops the entries of dropped nodes from those
 * made since its mark); groups nest and become DOT clusters. */
#include "core/core.h"

#include <stdio.h>
#include <string.h>

const char *mg__name(const mg_value *v, char buf[32]) {
    const char *label = mg__dropped(v) ? NULL : mg_value_label(v);
    if (label) return label;
    snprintf(buf, 32, "#%zu", mg__id(v));
    return buf;
}


/* --------------------------------------------------------- labels, meta */

/* The meta entry of v, making one when `create` (NULL when out of memory).
 * New entries go at the end, whatever v's age: a reset finds the entries
 * of the nodes it drops among those made since its mark (arena.c). */
static mg_meta *meta_of(mg_value *v, int create) {
    mg_graph *g = mg__graph_of(v);
    if (v->meta) return &g->meta[v->meta];
    if (!create || g->n_meta > UINT32_MAX) return NULL;
    if (!mg__grow((void **)&g->meta, &g->cap_meta, g->n_meta + 1, sizeof *g->meta)) return NULL;
    size_t at = g->n_meta++;
    g->meta[at] = (mg_meta){v, NULL, 0, 0};
    v->meta = (uint32_t)at;
    return &g->meta[at];
}

/* A string allocated now for a node made before the newest mark must
 * survive a reset to that mark: move such marks' aux positions up to here. */
static void keep_for_old_node(mg_graph *g, size_t id) {
    mg_aux_pos here = mg__aux_pos(g);
    for (size_t i = 0; i < g->n_marks; i++)
        if (g->marks[i].n_nodes > id) g->marks[i].aux = here;
}

mg_value *mg_label(mg_value *v, const char *label) {
    if (!v || mg__refuse_dropped("mg_label", v, 0, 0)) return NULL;
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
    char *copy = mg__aux_strdup(g, label, &m->label_cap);
    if (!copy) goto oom;
    m->label = copy;
    keep_for_old_node(g, mg__id(v));
    return v;
oom:
    mg__error(g, "mg_label: out of memory copying a label of %zu bytes",
              "mg_label: sin memoria para copiar una etiqueta de %zu bytes", strlen(label));
    return NULL;
}

const char *mg_value_label(const mg_value *v) {
    if (!v || mg__refuse_dropped("mg_value_label", v, 0, 0) || !v->meta) return NULL;
    return mg__graph_of(v)->meta[v->meta].label;
}

mg_value *mg_freeze(mg_value *v, int frozen) {
    if (!v || mg__refuse_dropped("mg_freeze", v, 0, 0)) return NULL;
    if (frozen) v->flags |= MG_FROZEN;
    else v->flags &= (uint8_t)~MG_FROZEN;
    return v;
}

int mg_is_frozen(const mg_value *v) {
    return v && !mg__refuse_dropped("mg_is_frozen", v, 0, 0) && (v->flags & MG_FROZEN);
}

/* --------------------------------------------------------------- groups */

unsigned mg_group_push(mg_graph *g, const char *label) {
    if (!g) return 0;
    size_t cap = g->cap_groups, cap_open = g->cap_open;
    int ok = mg__grow((void **)&g->groups, &cap, (size_t)g->n_groups + 1, sizeof *g->groups) &&
             mg__grow((void **)&g->open, &cap_open, (size_t)g->n_open + 1, sizeof *g->open);
    g->cap_groups = (unsigned)cap;
    g->cap_open = (unsigned)cap_open;
    char *copy = ok ? mg__aux_strdup(g, label ? label : "", NULL) : NULL;
    if (!copy) {
        mg__error(g, "mg_group_push: out of memory", "mg_group_push: sin memoria");
        return 0;
    }
    unsigned id = g->n_groups++;
    g->groups[id] = (mg_group){copy, g->n_open ? g->open[g->n_open - 1] : 0, g->n_nodes};
    g->open[g->n_open++] = id;
    mg__update_bump(g);
    return id;
}

/* Rename group `group` (nn.c names a neuron's cluster after the neuron).
 * The copy must outlive every reset to a mark taken after the group was
 * made, since such resets keep the group: move those marks' aux positions
 * past the new string, as keep_for_old_node does for labels. */
int mg__group_relabel(mg_graph *g, unsigned group, const char *label) {
    if (!g || !group || group >= g->n_groups || !label) return -1;
    char *copy = mg__aux_strdup(g, label, NULL);
    if (!copy) {
        mg__error(g, "mg_group_relabel: out of memory", "mg_group_relabel: sin memoria");
        return -1;
    }
    g->groups[group].label = copy;
    mg_aux_pos here = mg__aux_pos(g);
    for (size_t i = 0; i < g->n_marks; i++)
        if (g->marks[i].n_groups > group) g->marks[i].aux = here;
    return 0;
}

void mg_group_pop(mg_graph *g) {
    if (g && g->n_open) {
        g->n_open--;
        mg__update_bump(g);
    }
}

mg_value *mg_group_set(mg_value *v, unsigned group) {
    if (!v || mg__refuse_dropped("mg_group_set", v, 0, 0)) return NULL;
    if (!group && !v->meta) return v;
    mg_meta *m = meta_of(v, 1);
    if (!m) {
        mg__error(mg__graph_of(v), "mg_group_set: out of memory", "mg_group_set: sin memoria");
        return NULL;
    }
    m->group = group;
    return v;
}

unsigned mg_value_group(const mg_value *v) {
    if (!v || mg__refuse_dropped("mg_value_group", v, 0, 0) || !v->meta) return 0;
    return mg__graph_of(v)->meta[v->meta].group;
}

const char *mg_group_label(const mg_graph *g, unsigned group) {
    return g && group && group < g->n_groups ? g->groups[group].label : NULL;
}

unsigned mg_group_parent(const mg_graph *g, unsigned group) {
    return g && group && group < g->n_groups ? g->groups[group].parent : 0;
}

unsigned mg_group_count(const mg_graph *g) { return g ? g->n_groups - 1 : 0; }



/* Forget groups n and above: close the open ones, and take kept nodes out
 * of them (their ids will be given to new groups). */
void mg__drop_groups(mg_graph *g, unsigned n) {
    if (n >= g->n_groups) return;
    g->n_groups = n;
    while (g->n_open && g->open[g->n_open - 1] >= n) g->n_open--;
    mg__update_bump(g);
    for (size_t i = 1; i < g->n_meta; i++)
        if (g->meta[i].group >= n) g->meta[i].group = 0;
}

