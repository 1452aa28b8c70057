/* Internal helpers shared by every area of libimgproc. */
#pragma once

#include <glib.h>
#include <glib/gi18n-lib.h>

G_BEGIN_DECLS

void imgproc_ensure_i18n (void);

G_END_DECLS
