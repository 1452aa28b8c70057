/* How the processor makes its results. */
#pragma once

#include "imgproc.h"

G_BEGIN_DECLS

ImgprocRecordResult *imgproc_record_result_new (ImgprocOutcome      outcome,
                                                ImgprocSkipReason   skip_reason,
                                                const GError       *error,
                                                GPtrArray          *rendition_keys,
                                                gboolean            stale,
                                                guint64             bytes_in,
                                                guint64             bytes_out,
                                                double              duration_ms);

G_END_DECLS
