/* The Lambda layer's environment, shared by the static launcher and
 * imgproc-service: see imgproc-layer-environment.c. */
#pragma once

void        imgproc_layer_die               (int         status,
                                             const char *format,
                                             ...) __attribute__ ((noreturn, format (printf, 2, 3)));
void       *imgproc_layer_checked           (void       *allocated);
char       *imgproc_layer_join              (const char *first,
                                             ...) __attribute__ ((sentinel));
const char *imgproc_layer_env               (const char *name);
char       *imgproc_layer_root              (const char *argv0);
char       *imgproc_layer_root_of_bootstrap (void);
void        imgproc_layer_environment_set   (const char *layer);
