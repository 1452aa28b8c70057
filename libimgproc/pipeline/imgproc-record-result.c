/* An immutable, reference-counted record result. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-record-result-private.h"

struct _ImgprocRecordResult
{
  gatomicrefcount ref_count;
  ImgprocOutcome outcome;
  ImgprocSkipReason skip_reason;
  GError *error;
  char **rendition_keys;
  gboolean stale;
  guint64 bytes_in;
  guint64 bytes_out;
  double duration_ms;
};

G_DEFINE_BOXED_TYPE (ImgprocRecordResult, imgproc_record_result,
                     imgproc_record_result_ref, imgproc_record_result_unref)

ImgprocRecordResult *
imgproc_record_result_new (ImgprocOutcome      outcome,
                           ImgprocSkipReason   skip_reason,
                           const GError       *error,
                           GPtrArray          *rendition_keys,
                           gboolean            stale,
                           guint64             bytes_in,
                           guint64             bytes_out,
                           double              duration_ms)
{
  ImgprocRecordResult *self = g_new0 (ImgprocRecordResult, 1);
  guint i;

  g_atomic_ref_count_init (&self->ref_count);
  self->outcome = outcome;
  self->skip_reason = skip_reason;
  self->error = error != NULL ? g_error_copy (error) : NULL;
  self->rendition_keys = g_new0 (char *, (rendition_keys != NULL ? rendition_keys->len : 0) + 1);
  for (i = 0; rendition_keys != NULL && i < rendition_keys->len; i++)
    self->rendition_keys[i] = g_strdup (g_ptr_array_index (rendition_keys, i));
  self->stale = stale;
  self->bytes_in = bytes_in;
  self->bytes_out = bytes_out;
  self->duration_ms = duration_ms;
  return self;
}

/**
 * imgproc_record_result_ref:
 * @self: a record result
 *
 * Takes a reference to @self.
 *
 * Returns: (transfer full): @self
 */
ImgprocRecordResult *
imgproc_record_result_ref (ImgprocRecordResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * imgproc_record_result_unref:
 * @self: (transfer full): a record result
 *
 * Drops a reference to @self, and frees it with the last one.
 */
void
imgproc_record_result_unref (ImgprocRecordResult *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_clear_error (&self->error);
      g_strfreev (self->rendition_keys);
      g_free (self);
    }
}

/**
 * imgproc_record_result_get_outcome:
 * @self: a record result
 *
 * Gives the outcome.
 *
 * Returns: the outcome
 */
ImgprocOutcome
imgproc_record_result_get_outcome (const ImgprocRecordResult *self)
{
  g_return_val_if_fail (self != NULL, IMGPROC_OUTCOME_TRANSIENT_FAILURE);
  return self->outcome;
}

/**
 * imgproc_record_result_is_acknowledged:
 * @self: a record result
 *
 * Tells whether the message of this record may be acknowledged (deleted, or
 * left out of `batchItemFailures`): after a success or a skip only.
 *
 * Returns: %TRUE to acknowledge
 */
gboolean
imgproc_record_result_is_acknowledged (const ImgprocRecordResult *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->outcome == IMGPROC_OUTCOME_SUCCESS || self->outcome == IMGPROC_OUTCOME_SKIPPED;
}

/**
 * imgproc_record_result_get_skip_reason:
 * @self: a record result
 *
 * Gives why the guard skipped the event.
 *
 * Returns: the reason, %IMGPROC_SKIP_REASON_NONE unless skipped
 */
ImgprocSkipReason
imgproc_record_result_get_skip_reason (const ImgprocRecordResult *self)
{
  g_return_val_if_fail (self != NULL, IMGPROC_SKIP_REASON_NONE);
  return self->skip_reason;
}

/**
 * imgproc_record_result_get_error:
 * @self: a record result
 *
 * Gives the error behind a failure.
 *
 * Returns: (transfer none) (nullable): the error, or %NULL
 */
const GError *
imgproc_record_result_get_error (const ImgprocRecordResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->error;
}

/**
 * imgproc_record_result_get_rendition_keys:
 * @self: a record result
 *
 * Lists the keys the renditions were written to.
 *
 * Returns: (transfer none) (array zero-terminated=1): the keys
 */
const char * const *
imgproc_record_result_get_rendition_keys (const ImgprocRecordResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *) self->rendition_keys;
}

/**
 * imgproc_record_result_get_stale:
 * @self: a record result
 *
 * Tells whether the DynamoDB record already held a newer event of the key,
 * so that this one's record was not written.
 *
 * Returns: %TRUE for a stale or duplicate event
 */
gboolean
imgproc_record_result_get_stale (const ImgprocRecordResult *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->stale;
}

/**
 * imgproc_record_result_get_bytes_in:
 * @self: a record result
 *
 * Gives the size of the source object read.
 *
 * Returns: bytes read
 */
guint64
imgproc_record_result_get_bytes_in (const ImgprocRecordResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->bytes_in;
}

/**
 * imgproc_record_result_get_bytes_out:
 * @self: a record result
 *
 * Gives the total size of the renditions written.
 *
 * Returns: bytes written
 */
guint64
imgproc_record_result_get_bytes_out (const ImgprocRecordResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->bytes_out;
}

/**
 * imgproc_record_result_get_duration_ms:
 * @self: a record result
 *
 * Gives how long the record took, from the guard to the DynamoDB write.
 *
 * Returns: milliseconds
 */
double
imgproc_record_result_get_duration_ms (const ImgprocRecordResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->duration_ms;
}
