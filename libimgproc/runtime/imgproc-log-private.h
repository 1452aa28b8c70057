/* The formatters behind the log writer, reachable by tests. */
#pragma once

#include "imgproc.h"

G_BEGIN_DECLS

char *imgproc_log_format_json_line (GLogLevelFlags   level,
                                    const GLogField *fields,
                                    gsize            n_fields,
                                    gint64           time_us,
                                    const char      *request_id);
char *imgproc_log_format_text_line (GLogLevelFlags   level,
                                    const GLogField *fields,
                                    gsize            n_fields,
                                    gint64           time_us,
                                    const char      *request_id);
gboolean imgproc_log_level_passes (GLogLevelFlags level,
                                   GLogLevelFlags threshold);

G_END_DECLS
