/* data_path.h -- the examples' data files, found from any working
 * directory.  data_find("light_dark_font_training_set.csv", ...) tries, in
 * order, and returns the first path that exists:
 *
 *   $MICROGRAD_DATA/NAME                  where the user says the data is
 *   NAME as given                         a path of the user's own, or the
 *                                         checkout's top as the current folder
 *   MG_SOURCE_DATA/NAME                   the checkout the program was built
 *                                         from (compiled in by the Makefile)
 *   <program's folder>/../share/micrograd/NAME   an installed copy
 *   MG_DATADIR/NAME                       PREFIX/share/micrograd of make install
 *
 * A NAME that starts with "data/" (as the README writes it, from the
 * checkout's top) is also looked up without that prefix in each folder. */
#ifndef DATA_PATH_H
#define DATA_PATH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static inline int data_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* dir/name into buf; 1 when it fits and exists. */
static inline int data_try(char *buf, size_t size, const char *dir, const char *name) {
    if (!dir || !*dir) return 0;
    int n = snprintf(buf, size, "%s/%s", dir, name);
    return n > 0 && (size_t)n < size && data_exists(buf);
}

/* The folder of the running program, from argv[0] (empty when argv[0]
 * has no slash: found on the PATH, which the compiled-in folders cover). */
static inline void data_program_dir(const char *argv0, char *dir, size_t size) {
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
    size_t n = slash ? (size_t)(slash - argv0) : 0;
    if (n >= size) n = 0;
    memcpy(dir, argv0 ? argv0 : "", n);
    dir[n] = '\0';
}

/* The path of data file `name` for the program started as argv0, in
 * buf[0..size); NULL when it is nowhere (buf then holds `name`, for the
 * message). */
static inline const char *data_find(const char *argv0, const char *name, char *buf,
                                    size_t size) {
    const char *bare = strncmp(name, "data/", 5) ? name : name + 5;
    char prog[1024], installed[1100];
    data_program_dir(argv0, prog, sizeof prog);
    snprintf(installed, sizeof installed, "%s/../share/micrograd", prog[0] ? prog : ".");
#ifndef MG_SOURCE_DATA
#define MG_SOURCE_DATA ""
#endif
#ifndef MG_DATADIR
#define MG_DATADIR ""
#endif
    const char *dirs[] = {getenv("MICROGRAD_DATA"), MG_SOURCE_DATA, prog[0] ? installed : NULL,
                          MG_DATADIR};
    if (data_try(buf, size, dirs[0], bare)) return buf;
    if (data_exists(name) && strlen(name) < size) return strcpy(buf, name);
    for (size_t i = 1; i < sizeof dirs / sizeof *dirs; i++)
        if (data_try(buf, size, dirs[i], bare)) return buf;
    snprintf(buf, size, "%s", name);
    return NULL;
}

#endif
