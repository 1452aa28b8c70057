/* Parses the X-Ray trace header. Unknown fields (Lineage, Self...) are kept
 * in the original text, which is passed on as it came. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"

#include <string.h>

struct _ImgprocTraceHeader
{
  gatomicrefcount ref_count;
  char *text;
  char *root;
  char *parent;
  ImgprocTraceSampling sampling;
};

G_DEFINE_BOXED_TYPE (ImgprocTraceHeader, imgproc_trace_header,
                     imgproc_trace_header_ref, imgproc_trace_header_unref)

static gboolean
is_hex (const char *text,
        gsize       length)
{
  gsize i;

  for (i = 0; i < length; i++)
    if (!g_ascii_isxdigit (text[i]))
      return FALSE;
  return text[length] == '\0';
}

/* 1-<8 hex digits of epoch seconds>-<24 hex digits> */
static gboolean
is_trace_id (const char *root)
{
  return strlen (root) == 35 && root[0] == '1' && root[1] == '-' && root[10] == '-' &&
         is_hex (root + 11, 24) && g_ascii_isxdigit (root[2]) &&
         strspn (root + 2, "0123456789abcdefABCDEF") == 8;
}

/**
 * imgproc_trace_header_parse:
 * @header: the value of `Lambda-Runtime-Trace-Id`, `_X_AMZN_TRACE_ID`,
 *   `X-Amzn-Trace-Id` or the SQS `AWSTraceHeader` attribute
 * @error: return location for a #GError
 *
 * Parses a trace header. `Root` must be a valid trace id and `Parent`, when
 * present, 16 hexadecimal digits; other fields are allowed and ignored.
 *
 * Returns: (transfer full): the parsed header, or %NULL with @error set
 *   (%IMGPROC_RUNTIME_ERROR_INVALID_TRACE_HEADER)
 */
ImgprocTraceHeader *
imgproc_trace_header_parse (const char  *header,
                            GError     **error)
{
  g_autoptr(ImgprocTraceHeader) self = NULL;
  g_auto(GStrv) parts = NULL;
  guint i;

  g_return_val_if_fail (header != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  imgproc_ensure_i18n ();
  self = g_new0 (ImgprocTraceHeader, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->text = g_strdup (header);

  parts = g_strsplit (header, ";", -1);
  for (i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);
      char *equals = strchr (part, '=');

      if (equals == NULL)
        continue;
      *equals = '\0';
      if (g_str_equal (part, "Root") && self->root == NULL)
        self->root = g_strdup (equals + 1);
      else if (g_str_equal (part, "Parent") && self->parent == NULL)
        self->parent = g_strdup (equals + 1);
      else if (g_str_equal (part, "Sampled"))
        {
          if (g_str_equal (equals + 1, "1"))
            self->sampling = IMGPROC_TRACE_SAMPLING_SAMPLED;
          else if (g_str_equal (equals + 1, "0"))
            self->sampling = IMGPROC_TRACE_SAMPLING_NOT_SAMPLED;
          else if (g_str_equal (equals + 1, "?"))
            self->sampling = IMGPROC_TRACE_SAMPLING_REQUESTED;
        }
    }

  if (self->root == NULL || !is_trace_id (self->root))
    {
      g_autofree char *shown = g_utf8_make_valid (header, MIN (strlen (header), 200));

      g_set_error (error, IMGPROC_RUNTIME_ERROR, IMGPROC_RUNTIME_ERROR_INVALID_TRACE_HEADER,
                   _("The trace header “%s” has no valid Root"), shown);
      return NULL;
    }
  if (self->parent != NULL && !(strlen (self->parent) == 16 && is_hex (self->parent, 16)))
    {
      g_autofree char *shown = g_utf8_make_valid (header, MIN (strlen (header), 200));

      g_set_error (error, IMGPROC_RUNTIME_ERROR, IMGPROC_RUNTIME_ERROR_INVALID_TRACE_HEADER,
                   _("The trace header “%s” has an invalid Parent"), shown);
      return NULL;
    }
  return g_steal_pointer (&self);
}

/**
 * imgproc_trace_header_ref:
 * @self: a trace header
 *
 * Takes a reference to @self.
 *
 * Returns: (transfer full): @self
 */
ImgprocTraceHeader *
imgproc_trace_header_ref (ImgprocTraceHeader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * imgproc_trace_header_unref:
 * @self: (transfer full): a trace header
 *
 * Drops a reference to @self, and frees it with the last one.
 */
void
imgproc_trace_header_unref (ImgprocTraceHeader *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->text);
      g_free (self->root);
      g_free (self->parent);
      g_free (self);
    }
}

/**
 * imgproc_trace_header_get_root:
 * @self: a trace header
 *
 * Gives the trace id, such as `1-5bef4de7-ad49b0e87f6ef6c87fc2e700`.
 *
 * Returns: (transfer none): the trace id
 */
const char *
imgproc_trace_header_get_root (const ImgprocTraceHeader *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->root;
}

/**
 * imgproc_trace_header_get_parent:
 * @self: a trace header
 *
 * Gives the id of the parent segment: on Lambda, the function's segment,
 * which subsegments name as their parent.
 *
 * Returns: (transfer none) (nullable): 16 hexadecimal digits, or %NULL
 */
const char *
imgproc_trace_header_get_parent (const ImgprocTraceHeader *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->parent;
}

/**
 * imgproc_trace_header_get_sampling:
 * @self: a trace header
 *
 * Gives the sampling decision: only sampled traces get subsegments.
 *
 * Returns: the sampling decision
 */
ImgprocTraceSampling
imgproc_trace_header_get_sampling (const ImgprocTraceHeader *self)
{
  g_return_val_if_fail (self != NULL, IMGPROC_TRACE_SAMPLING_UNKNOWN);
  return self->sampling;
}

/**
 * imgproc_trace_header_to_string:
 * @self: a trace header
 *
 * Gives the header exactly as it was parsed, to pass on in `X-Amzn-Trace-Id`.
 *
 * Returns: (transfer none): the header text
 */
const char *
imgproc_trace_header_to_string (const ImgprocTraceHeader *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->text;
}
