/* imgproc-service: the pipeline as a Lambda custom runtime or as an SQS
 * daemon for hosts. Configuration, clients and the processor are made once;
 * then every message goes through the same per-message code in both modes. */
#include "config.h"

#include <imgproc.h>

#include <gio/gunixsocketaddress.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imgproc-layer-environment.h"

#define LOG_DOMAIN "imgproc-service"
/* What an invocation keeps back from its deadline to answer in time. */
#define DEADLINE_MARGIN_MS 1500
#define RECEIVE_WAIT_SECONDS 20
/* How late past its wait a receive may answer when stopping. */
#define RECEIVE_STALL_SECONDS 5
#define MAX_RECEIVE 10
/* DeleteMessageBatch takes at most ten entries; a partial batch waits this
 * long for company before it goes. */
#define MAX_DELETE_BATCH 10
#define DELETE_FLUSH_MS 200
/* sysexits(3)'s EX_CONFIG: the unit's RestartPreventExitStatus keeps systemd
 * from restarting a host whose configuration can only fail again. */
#define EXIT_CONFIG 78

typedef struct {
  ImgprocServiceConfig *config;
  ImgprocEventParser *parser;
  ImgprocProcessor *processor;
  guint events_in_flight;
  /* The processor a reload replaced, while events it started still run.
   * Each processor keeps its own images in flight and decode memory within
   * their limits, so only one of them may have events at a time: until the
   * retiring one's are done, new records wait in held. */
  ImgprocProcessor *retiring;
  guint retiring_events_in_flight;
  GQueue held;
  ImgprocMetrics *metrics;
  ImgprocSqsClient *sqs;
  ImgprocS3Client *s3;
  ImgprocDynamodbClient *dynamodb;
  ImgprocXrayEmitter *emitter;
  const char *config_path;
} Service;

typedef void (*MessageDone) (ImgprocQueueMessage *message,
                             gboolean             acknowledged,
                             gpointer             user_data);

typedef struct {
  Service *service;
  ImgprocQueueMessage *message;
  guint pending;
  gboolean failed;
  MessageDone done;
  gpointer user_data;
} MessageJob;

typedef struct {
  MessageJob *job;
  ImgprocObjectEvent *event;
  /* Kept only while the record is held. */
  ImgprocTraceHeader *trace;
  GCancellable *cancellable;
} RecordJob;

static void record_done (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data);

static void
start_record (Service            *service,
              RecordJob          *record,
              ImgprocTraceHeader *trace,
              GCancellable       *cancellable)
{
  if (service->retiring != NULL)
    {
      record->trace = trace != NULL ? imgproc_trace_header_ref (trace) : NULL;
      record->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
      g_queue_push_tail (&service->held, record);
      return;
    }
  service->events_in_flight++;
  imgproc_processor_process_async (service->processor, record->event,
                                   imgproc_queue_message_get_receive_count (record->job->message),
                                   trace, cancellable, record_done, record);
}

static void
start_held_records (Service *service)
{
  RecordJob *record;

  while ((record = g_queue_pop_head (&service->held)) != NULL)
    {
      g_autoptr(ImgprocTraceHeader) trace = g_steal_pointer (&record->trace);
      g_autoptr(GCancellable) cancellable = g_steal_pointer (&record->cancellable);

      start_record (service, record, trace, cancellable);
    }
}

/* The last record of a retiring processor lets the held ones start. */
static void
record_left (Service          *service,
             ImgprocProcessor *processor)
{
  if (processor != service->retiring)
    {
      service->events_in_flight--;
      return;
    }
  if (--service->retiring_events_in_flight > 0)
    return;
  g_clear_object (&service->retiring);
  start_held_records (service);
}

static const char *
outcome_name (ImgprocOutcome outcome)
{
  switch (outcome)
    {
    case IMGPROC_OUTCOME_SUCCESS:
      return "success";
    case IMGPROC_OUTCOME_SKIPPED:
      return "skipped";
    case IMGPROC_OUTCOME_PERMANENT_FAILURE:
      return "permanent-failure";
    case IMGPROC_OUTCOME_TRANSIENT_FAILURE:
    default:
      return "transient-failure";
    }
}

static void
message_job_finish (MessageJob *job)
{
  job->done (job->message, !job->failed, job->user_data);
  imgproc_queue_message_unref (job->message);
  g_free (job);
}

static void
record_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  RecordJob *record_job = user_data;
  MessageJob *job = record_job->job;
  Service *service = job->service;
  g_autoptr(ImgprocObjectEvent) event = record_job->event;
  g_autoptr(ImgprocRecordResult) record = imgproc_processor_process_finish (IMGPROC_PROCESSOR (source), result);
  const char *key = imgproc_object_event_get_key (event) != NULL ? imgproc_object_event_get_key (event)
                                                           : imgproc_object_event_get_bucket (event);
  ImgprocOutcome outcome;
  const GError *error;
  g_autofree char *duration = NULL;

  outcome = imgproc_record_result_get_outcome (record);
  error = imgproc_record_result_get_error (record);
  duration = g_malloc (G_ASCII_DTOSTR_BUF_SIZE);
  g_ascii_formatd (duration, G_ASCII_DTOSTR_BUF_SIZE, "%.1f", imgproc_record_result_get_duration_ms (record));

  switch (outcome)
    {
    case IMGPROC_OUTCOME_SUCCESS:
      imgproc_metrics_add_processed (job->service->metrics, imgproc_record_result_get_duration_ms (record),
                                     imgproc_record_result_get_bytes_in (record),
                                     imgproc_record_result_get_bytes_out (record));
      break;
    case IMGPROC_OUTCOME_SKIPPED:
      imgproc_metrics_add_skipped (job->service->metrics);
      break;
    default:
      imgproc_metrics_add_failure (job->service->metrics, imgproc_record_result_get_duration_ms (record));
      job->failed = TRUE;
    }

  g_log_structured (LOG_DOMAIN, error != NULL ? G_LOG_LEVEL_WARNING : G_LOG_LEVEL_INFO,
                    "IMGPROC_MESSAGE_ID", imgproc_queue_message_get_message_id (job->message) != NULL ?
                                          imgproc_queue_message_get_message_id (job->message) : "",
                    "IMGPROC_OUTCOME", outcome_name (outcome),
                    "IMGPROC_DURATION_MS", duration,
                    "MESSAGE", "%s: %s%s%s", key, outcome_name (outcome),
                    outcome == IMGPROC_OUTCOME_SKIPPED ? " — " : (error != NULL ? " — " : ""),
                    outcome == IMGPROC_OUTCOME_SKIPPED ?
                      imgproc_skip_reason_describe (imgproc_record_result_get_skip_reason (record)) :
                      (error != NULL ? error->message : ""));

  g_free (record_job);
  if (--job->pending == 0)
    message_job_finish (job);
  record_left (service, IMGPROC_PROCESSOR (source));
}

/* Parses one message and processes its records concurrently; calls @done
 * once, with whether the message may be acknowledged. */
static void
process_message (Service             *service,
                 ImgprocQueueMessage *message,
                 ImgprocTraceHeader  *trace,
                 GCancellable        *cancellable,
                 MessageDone          done,
                 gpointer             user_data)
{
  MessageJob *job = g_new0 (MessageJob, 1);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  guint i;

  job->service = service;
  job->message = imgproc_queue_message_ref (message);
  job->done = done;
  job->user_data = user_data;

  events = imgproc_event_parser_parse_message (service->parser, imgproc_queue_message_get_body (message),
                                               -1, &error);
  if (events == NULL)
    {
      /* Not acknowledged: after maxReceiveCount it lands in the DLQ, where
       * someone can look at it. */
      g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_WARNING,
                        "IMGPROC_MESSAGE_ID", imgproc_queue_message_get_message_id (message) != NULL ?
                                              imgproc_queue_message_get_message_id (message) : "",
                        "MESSAGE", "%s", error->message);
      imgproc_metrics_add_failure (service->metrics, -1);
      job->failed = TRUE;
      message_job_finish (job);
      return;
    }

  job->pending = events->len + 1;
  for (i = 0; i < events->len; i++)
    {
      ImgprocObjectEvent *event = g_ptr_array_index (events, i);
      RecordJob *record = g_new0 (RecordJob, 1);

      record->job = job;
      record->event = imgproc_object_event_ref (event);
      start_record (service, record, trace, cancellable);
    }
  if (--job->pending == 0)
    message_job_finish (job);
}

typedef struct {
  GMainLoop *loop;
  ImgprocBatchResponse *response;
  guint pending;
  guint failed;
} Batch;

static void
lambda_message_done (ImgprocQueueMessage *message,
                     gboolean             acknowledged,
                     gpointer             user_data)
{
  Batch *batch = user_data;

  if (!acknowledged)
    {
      batch->failed++;
      if (imgproc_queue_message_get_message_id (message) != NULL)
        imgproc_batch_response_add_failure (batch->response, imgproc_queue_message_get_message_id (message));
    }
  if (--batch->pending == 0)
    g_main_loop_quit (batch->loop);
}

static gboolean
cancel_on_deadline (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
handle_invocation (Service              *service,
                   ImgprocLambdaRuntime *runtime,
                   ImgprocInvocation    *invocation)
{
  GBytes *event = imgproc_invocation_get_event (invocation);
  const char *request_id = imgproc_invocation_get_request_id (invocation);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) body = NULL;
  g_autofree char *emf = NULL;
  ImgprocLambdaEventKind kind = IMGPROC_LAMBDA_EVENT_KIND_SQS_BATCH;
  Batch batch = { 0 };
  gint64 remaining = imgproc_invocation_get_remaining_ms (invocation);
  guint timeout_id = 0;
  guint i;
  g_autoptr(ImgprocTraceHeader) trace = NULL;

  if (imgproc_invocation_get_trace_id (invocation) != NULL)
    trace = imgproc_trace_header_parse (imgproc_invocation_get_trace_id (invocation), NULL);

  messages = imgproc_event_parser_parse_lambda_event (service->parser, g_bytes_get_data (event, NULL),
                                                      (gssize) g_bytes_get_size (event), &kind, &error);
  if (messages == NULL)
    {
      g_autoptr(GError) post_error = NULL;

      g_warning ("%s", error->message);
      if (!imgproc_lambda_runtime_report_error_sync (runtime, request_id, "Runtime.InvalidEvent",
                                                     error->message, NULL, &post_error))
        g_warning ("%s", post_error->message);
      return;
    }

  batch.loop = g_main_loop_new (NULL, FALSE);
  batch.response = imgproc_batch_response_new ();
  batch.pending = messages->len + 1;

  if (remaining != G_MAXINT64)
    timeout_id = g_timeout_add (remaining > DEADLINE_MARGIN_MS ? (guint) (remaining - DEADLINE_MARGIN_MS) : 0,
                                cancel_on_deadline, cancellable);

  /* The largest images of the batch start first: on a few processors, the
   * batch is answered soonest that way. */
  imgproc_processor_begin_batch (service->processor);
  for (i = 0; i < messages->len; i++)
    {
      ImgprocQueueMessage *message = g_ptr_array_index (messages, i);

      /* Too little time left: report the message as failed rather than
       * start work that the deadline would cut. */
      if (g_cancellable_is_cancelled (cancellable) ||
          imgproc_invocation_get_remaining_ms (invocation) < DEADLINE_MARGIN_MS)
        {
          lambda_message_done (message, FALSE, &batch);
          continue;
        }
      process_message (service, message, trace, cancellable, lambda_message_done, &batch);
    }
  imgproc_processor_end_batch (service->processor);
  if (--batch.pending > 0)
    g_main_loop_run (batch.loop);
  if (timeout_id != 0 && !g_cancellable_is_cancelled (cancellable))
    g_source_remove (timeout_id);

  emf = imgproc_metrics_flush_emf (service->metrics, g_get_real_time () / 1000, request_id);
  if (emf != NULL && imgproc_service_config_get_metrics (service->config))
    {
      fputs (emf, stdout);
      fflush (stdout);
    }

  if (kind == IMGPROC_LAMBDA_EVENT_KIND_DIRECT && batch.failed > 0)
    {
      if (!imgproc_lambda_runtime_report_error_sync (runtime, request_id, "Runtime.RecordFailed",
                                                     _("A record of the event could not be processed"),
                                                     NULL, &error))
        g_warning ("%s", error->message);
    }
  else
    {
      body = imgproc_batch_response_to_bytes (batch.response);
      if (!imgproc_lambda_runtime_respond_sync (runtime, request_id, body, "application/json", NULL, &error))
        g_warning ("%s", error->message);
    }

  g_main_loop_unref (batch.loop);
  g_object_unref (batch.response);
}

static int
run_lambda (Service              *service,
            ImgprocLambdaRuntime *runtime)
{
  guint failures = 0;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ImgprocInvocation) invocation = imgproc_lambda_runtime_next_sync (runtime, NULL, &error);

      if (invocation == NULL)
        {
          g_warning ("%s", error->message);
          /* As aws-lambda-cpp does: three failures in a row end the runtime. */
          if (g_error_matches (error, IMGPROC_RUNTIME_ERROR, IMGPROC_RUNTIME_ERROR_CONTAINER) ||
              ++failures >= 3)
            return EXIT_FAILURE;
          continue;
        }
      failures = 0;
      imgproc_log_set_request_id (imgproc_invocation_get_request_id (invocation));
      handle_invocation (service, runtime, invocation);
      imgproc_log_set_request_id (NULL);
    }
}

typedef struct {
  Service *service;
  GMainLoop *loop;
  GCancellable *receiving;
  GCancellable *working;
  guint in_flight;
  gboolean receive_pending;
  gboolean stopping;
  gboolean once;
  gboolean drained;
  guint grace_id;
  guint abandon_id;
  /* Receipt handles and message ids of acknowledged messages, not yet deleted. */
  GPtrArray *delete_handles;
  GPtrArray *delete_ids;
  guint delete_flush_id;
  guint deletes_pending;
  guint releases_pending;
} Daemon;

static void daemon_receive (Daemon *daemon);
static void daemon_check_exit (Daemon *daemon);

typedef struct {
  Daemon *daemon;
  char **receipt_handles;
  char **message_ids;
} DeleteBatch;

static void
delete_batch_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  DeleteBatch *batch = user_data;
  Daemon *daemon = batch->daemon;
  g_autoptr(GError) error = NULL;
  ImgprocSqsBatchResult *outcome = imgproc_sqs_client_delete_message_batch_finish (IMGPROC_SQS_CLIENT (source),
                                                                                   result, &error);

  /* A message left undeleted comes back after its visibility timeout and is
   * processed again, idempotently: worth a warning, not more. */
  if (outcome == NULL)
    g_warning (_("Cannot delete %u messages: %s"), g_strv_length (batch->receipt_handles), error->message);
  else
    {
      guint i;

      g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_DEBUG,
                        "MESSAGE", "Deleted %u of %u messages in one batch",
                        imgproc_sqs_batch_result_get_n_successful (outcome),
                        g_strv_length (batch->receipt_handles));
      for (i = 0; i < imgproc_sqs_batch_result_get_n_failed (outcome); i++)
        {
          guint index = imgproc_sqs_batch_result_get_failed_index (outcome, i);

          g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_WARNING,
                            "IMGPROC_MESSAGE_ID", index < g_strv_length (batch->message_ids) ?
                                                  batch->message_ids[index] : "",
                            "MESSAGE", _("Cannot delete message %s: %s (%s)"),
                            index < g_strv_length (batch->message_ids) ? batch->message_ids[index] : "?",
                            imgproc_sqs_batch_result_get_failed_message (outcome, i) != NULL ?
                              imgproc_sqs_batch_result_get_failed_message (outcome, i) : "",
                            imgproc_sqs_batch_result_get_failed_code (outcome, i) != NULL ?
                              imgproc_sqs_batch_result_get_failed_code (outcome, i) : "");
        }
      imgproc_sqs_batch_result_unref (outcome);
    }

  g_strfreev (batch->receipt_handles);
  g_strfreev (batch->message_ids);
  g_free (batch);
  daemon->deletes_pending--;
  daemon_check_exit (daemon);
}

static char **
take_strings (GPtrArray *array,
              guint      count)
{
  char **strings = g_new0 (char *, count + 1);
  guint i;

  for (i = 0; i < count; i++)
    strings[i] = g_ptr_array_steal_index (array, 0);
  return strings;
}

/* Sends everything pending, ten at a time. */
static void
daemon_flush_deletes (Daemon *daemon)
{
  Service *service = daemon->service;

  g_clear_handle_id (&daemon->delete_flush_id, g_source_remove);
  while (daemon->delete_handles->len > 0)
    {
      guint count = MIN (daemon->delete_handles->len, MAX_DELETE_BATCH);
      DeleteBatch *batch = g_new0 (DeleteBatch, 1);

      batch->daemon = daemon;
      batch->receipt_handles = take_strings (daemon->delete_handles, count);
      batch->message_ids = take_strings (daemon->delete_ids, count);
      daemon->deletes_pending++;
      imgproc_sqs_client_delete_message_batch_async (service->sqs,
                                                     imgproc_service_config_get_queue_url (service->config),
                                                     (const char *const *) batch->receipt_handles,
                                                     NULL, delete_batch_done, batch);
    }
}

static gboolean
delete_flush_due (gpointer data)
{
  Daemon *daemon = data;

  daemon->delete_flush_id = 0;
  daemon_flush_deletes (daemon);
  return G_SOURCE_REMOVE;
}

static void
daemon_delete_later (Daemon              *daemon,
                     ImgprocQueueMessage *message)
{
  const char *message_id = imgproc_queue_message_get_message_id (message);

  g_ptr_array_add (daemon->delete_handles, g_strdup (imgproc_queue_message_get_receipt_handle (message)));
  g_ptr_array_add (daemon->delete_ids, g_strdup (message_id != NULL ? message_id : ""));
  if (daemon->delete_handles->len >= MAX_DELETE_BATCH)
    daemon_flush_deletes (daemon);
  else if (daemon->delete_flush_id == 0)
    daemon->delete_flush_id = g_timeout_add (DELETE_FLUSH_MS, delete_flush_due, daemon);
}

static void
release_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Daemon *daemon = user_data;
  g_autoptr(GError) error = NULL;
  ImgprocSqsBatchResult *outcome =
    imgproc_sqs_client_change_message_visibility_batch_finish (IMGPROC_SQS_CLIENT (source), result, &error);

  /* A message not released is not lost: it comes back after its visibility
   * timeout. */
  if (outcome == NULL)
    g_warning ("%s", error->message);
  else
    {
      guint i;

      for (i = 0; i < imgproc_sqs_batch_result_get_n_failed (outcome); i++)
        g_warning ("%s (%s)",
                   imgproc_sqs_batch_result_get_failed_message (outcome, i) != NULL ?
                     imgproc_sqs_batch_result_get_failed_message (outcome, i) : "",
                   imgproc_sqs_batch_result_get_failed_code (outcome, i) != NULL ?
                     imgproc_sqs_batch_result_get_failed_code (outcome, i) : "");
      imgproc_sqs_batch_result_unref (outcome);
    }
  daemon->releases_pending--;
  daemon_check_exit (daemon);
}

/* Hands messages back to SQS at once (visibility 0) instead of letting them
 * wait out their visibility timeout; at most ten receipt handles. */
static void
daemon_release (Daemon            *daemon,
                const char *const *receipt_handles)
{
  Service *service = daemon->service;

  daemon->releases_pending++;
  imgproc_sqs_client_change_message_visibility_batch_async (service->sqs,
                                                            imgproc_service_config_get_queue_url (service->config),
                                                            receipt_handles, 0, NULL, release_done, daemon);
}

/* A message the daemon works on: its visibility is extended every half
 * timeout, so that SQS does not hand it to another worker meanwhile. */
typedef struct {
  Daemon *daemon;
  char *receipt_handle;
  guint extend_id;
  gboolean extending;
  /* The message, once its work ended while an extension was on its way:
   * deleting or releasing it waits for the extension, so that a late one
   * cannot hide a released message again. */
  ImgprocQueueMessage *finished;
  gboolean acknowledged;
} InFlight;

static void
daemon_settle (InFlight            *in_flight,
               ImgprocQueueMessage *message,
               gboolean             acknowledged)
{
  Daemon *daemon = in_flight->daemon;

  if (acknowledged)
    daemon_delete_later (daemon, message);
  else if (g_cancellable_is_cancelled (daemon->working))
    {
      const char *receipt_handles[] = { imgproc_queue_message_get_receipt_handle (message), NULL };

      daemon_release (daemon, receipt_handles);
    }
  g_free (in_flight->receipt_handle);
  g_free (in_flight);

  daemon->in_flight--;
  daemon_receive (daemon);
  daemon_check_exit (daemon);
}

static void
visibility_extended (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  InFlight *in_flight = user_data;
  g_autoptr(GError) error = NULL;

  if (!imgproc_sqs_client_change_message_visibility_finish (IMGPROC_SQS_CLIENT (source), result, &error))
    g_warning ("%s", error->message);
  in_flight->extending = FALSE;
  if (in_flight->finished != NULL)
    {
      g_autoptr(ImgprocQueueMessage) message = g_steal_pointer (&in_flight->finished);

      daemon_settle (in_flight, message, in_flight->acknowledged);
    }
}

static gboolean
extend_visibility (gpointer data)
{
  InFlight *in_flight = data;
  Service *service = in_flight->daemon->service;

  if (in_flight->extending)
    return G_SOURCE_CONTINUE;
  in_flight->extending = TRUE;
  imgproc_sqs_client_change_message_visibility_async (service->sqs,
                                                      imgproc_service_config_get_queue_url (service->config),
                                                      in_flight->receipt_handle,
                                                      (int) imgproc_service_config_get_visibility_timeout (service->config),
                                                      NULL, visibility_extended, in_flight);
  return G_SOURCE_CONTINUE;
}

static void
daemon_check_exit (Daemon *daemon)
{
  if (daemon->in_flight == 0 && !daemon->receive_pending &&
      (daemon->stopping || (daemon->once && daemon->drained)))
    {
      daemon_flush_deletes (daemon);
      if (daemon->deletes_pending == 0 && daemon->releases_pending == 0)
        g_main_loop_quit (daemon->loop);
    }
}

static void
daemon_message_done (ImgprocQueueMessage *message,
                     gboolean             acknowledged,
                     gpointer             user_data)
{
  InFlight *in_flight = user_data;

  g_clear_handle_id (&in_flight->extend_id, g_source_remove);
  if (in_flight->extending)
    {
      in_flight->finished = imgproc_queue_message_ref (message);
      in_flight->acknowledged = acknowledged;
      return;
    }
  daemon_settle (in_flight, message, acknowledged);
}

static void
receive_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Daemon *daemon = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = imgproc_sqs_client_receive_message_finish (IMGPROC_SQS_CLIENT (source),
                                                                             result, &error);
  guint i;

  daemon->receive_pending = FALSE;
  if (messages == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("%s", error->message);
    }
  else
    {
      if (messages->len == 0)
        daemon->drained = TRUE;
      if (daemon->stopping && messages->len > 0)
        {
          g_autofree const char **receipt_handles = g_new0 (const char *, messages->len + 1);

          /* Received after stopping began: never started. */
          for (i = 0; i < messages->len; i++)
            receipt_handles[i] = imgproc_sqs_message_get_receipt_handle (g_ptr_array_index (messages, i));
          g_message (_("Stopping: releasing %u messages received meanwhile"), messages->len);
          daemon_release (daemon, receipt_handles);
          g_ptr_array_set_size (messages, 0);
        }
      /* Largest first within what one receive brought, as in Lambda mode;
       * earlier messages still go before these. */
      imgproc_processor_begin_batch (daemon->service->processor);
      for (i = 0; i < messages->len; i++)
        {
          ImgprocSqsMessage *received = g_ptr_array_index (messages, i);
          g_autoptr(ImgprocQueueMessage) message =
            imgproc_queue_message_new (imgproc_sqs_message_get_message_id (received),
                                       imgproc_sqs_message_get_receipt_handle (received),
                                       imgproc_sqs_message_get_body (received),
                                       imgproc_sqs_message_get_receive_count (received));

          InFlight *in_flight = g_new0 (InFlight, 1);

          in_flight->daemon = daemon;
          in_flight->receipt_handle = g_strdup (imgproc_sqs_message_get_receipt_handle (received));
          in_flight->extend_id =
            g_timeout_add (imgproc_service_config_get_visibility_timeout (daemon->service->config) * 1000 / 2,
                           extend_visibility, in_flight);
          daemon->in_flight++;
          process_message (daemon->service, message, NULL, daemon->working, daemon_message_done, in_flight);
        }
      imgproc_processor_end_batch (daemon->service->processor);
    }

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !daemon->stopping)
    g_usleep (G_USEC_PER_SEC);
  daemon_receive (daemon);
  daemon_check_exit (daemon);
}

static void
daemon_receive (Daemon *daemon)
{
  Service *service = daemon->service;
  guint concurrency = imgproc_service_config_get_concurrency (service->config);
  guint room;

  if (daemon->stopping || daemon->receive_pending || (daemon->once && daemon->drained))
    return;
  if (daemon->in_flight >= concurrency)
    return;
  room = MIN (concurrency - daemon->in_flight, MAX_RECEIVE);

  daemon->receive_pending = TRUE;
  imgproc_sqs_client_receive_message_async (service->sqs, imgproc_service_config_get_queue_url (service->config),
                                            room, daemon->once ? 1 : RECEIVE_WAIT_SECONDS,
                                            (int) imgproc_service_config_get_visibility_timeout (service->config),
                                            daemon->receiving, receive_done, daemon);
}

/* sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET. */
static void
notify_systemd (const char *state)
{
  const char *path = g_getenv ("NOTIFY_SOCKET");
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;

  if (path == NULL || *path == '\0')
    return;
  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_DEFAULT, NULL);
  if (socket == NULL)
    return;
  if (path[0] == '@')
    address = g_unix_socket_address_new_with_type (path + 1, -1, G_UNIX_SOCKET_ADDRESS_ABSTRACT);
  else
    address = g_unix_socket_address_new (path);
  g_socket_send_to (socket, address, state, strlen (state), NULL, NULL);
}

static gboolean
watchdog_ping (gpointer data)
{
  notify_systemd ("WATCHDOG=1");
  return G_SOURCE_CONTINUE;
}

static void
serve_health (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Daemon *daemon = user_data;

  if (g_str_equal (path, "/metrics"))
    {
      char *text = imgproc_metrics_to_prometheus (daemon->service->metrics);

      soup_server_message_set_response (msg, "text/plain; version=0.0.4", SOUP_MEMORY_TAKE, text, strlen (text));
    }
  else if (g_str_equal (path, "/healthz"))
    {
      const char *state = daemon->stopping ? "stopping\n" : "ok\n";

      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, state, strlen (state));
      soup_server_message_set_status (msg, daemon->stopping ? 503 : 200, NULL);
      return;
    }
  else
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
}

static SoupServer *
start_http (Daemon  *daemon,
            GError **error)
{
  const char *listen = imgproc_service_config_get_http_listen (daemon->service->config);
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GInetAddress) host = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *host_text = NULL;
  const char *colon = strrchr (listen, ':');

  /* The configuration checked it is a loopback HOST:PORT. */
  host_text = g_strndup (listen, colon - listen);
  if (g_str_equal (host_text, "localhost"))
    host = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    {
      g_strdelimit (host_text, "[]", ' ');
      host = g_inet_address_new_from_string (g_strstrip (host_text));
    }
  if (host == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Cannot listen on %s"), listen);
      return NULL;
    }
  address = g_inet_socket_address_new (host, (guint16) g_ascii_strtoull (colon + 1, NULL, 10));
  server = soup_server_new ("server-header", "imgproc-service", NULL);
  soup_server_add_handler (server, NULL, serve_health, daemon, NULL);
  if (!soup_server_listen (server, address, 0, error))
    return NULL;
  return g_steal_pointer (&server);
}

/* SIGHUP: read the file and the environment again; flags keep their values.
 * A bad new configuration is reported and the running one kept. */
static gboolean
on_reload_signal (gpointer data)
{
  Daemon *daemon = data;
  Service *service = daemon->service;
  g_autoptr(ImgprocServiceConfig) fresh = imgproc_service_config_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = imgproc_service_config_list_settings ();
  guint i;

  for (i = 0; names[i] != NULL; i++)
    if (imgproc_service_config_get_source (service->config, names[i]) == IMGPROC_SETTING_SOURCE_COMMAND_LINE)
      imgproc_service_config_set (fresh, names[i], imgproc_service_config_get_value (service->config, names[i]),
                                  IMGPROC_SETTING_SOURCE_COMMAND_LINE, NULL);
  if (!imgproc_service_config_load_key_file (fresh, service->config_path, &error) ||
      !imgproc_service_config_load_environment (fresh, NULL, &error) ||
      !imgproc_service_config_validate (fresh, IMGPROC_SERVICE_MODE_DAEMON, &error))
    {
      g_warning (_("Configuration not reloaded: %s"), error->message);
      return G_SOURCE_CONTINUE;
    }

  notify_systemd ("RELOADING=1");
  g_set_object (&service->config, fresh);
  /* While a processor retires, the current one has no events: they are held.
   * A second reload then simply replaces it. */
  if (service->events_in_flight > 0)
    {
      service->retiring = g_steal_pointer (&service->processor);
      service->retiring_events_in_flight = service->events_in_flight;
      service->events_in_flight = 0;
    }
  g_clear_object (&service->processor);
  service->processor = imgproc_processor_new (service->config, service->s3, service->dynamodb);
  imgproc_processor_set_xray_emitter (service->processor, service->emitter);
  imgproc_log_install (imgproc_log_format_from_string (imgproc_service_config_get_log_format (service->config)),
                       imgproc_log_level_from_string (imgproc_service_config_get_log_level (service->config)));
  g_message (_("Configuration reloaded"));
  notify_systemd ("READY=1");
  return G_SOURCE_CONTINUE;
}

static gboolean
grace_over (gpointer data)
{
  Daemon *daemon = data;

  daemon->grace_id = 0;
  g_cancellable_cancel (daemon->working);
  return G_SOURCE_REMOVE;
}

static gboolean
abandon_receive (gpointer data)
{
  Daemon *daemon = data;

  daemon->abandon_id = 0;
  g_cancellable_cancel (daemon->receiving);
  return G_SOURCE_REMOVE;
}

static gboolean
on_stop_signal (gpointer data)
{
  Daemon *daemon = data;

  if (daemon->stopping)
    {
      /* A second signal does not wait: work is cut short and released, and
       * the messages of a receive still on its way come back only after their
       * visibility timeout. */
      g_cancellable_cancel (daemon->working);
      g_cancellable_cancel (daemon->receiving);
      return G_SOURCE_CONTINUE;
    }
  g_message (_("Stopping: finishing %u messages in flight"), daemon->in_flight);
  notify_systemd ("STOPPING=1");
  daemon->stopping = TRUE;
  /* A receive on its way is not cancelled: SQS would hide the messages it
   * takes for their visibility timeout even though nobody reads them. It
   * ends within the long poll's wait, and what it brings is released; only
   * a receive stalled past that is abandoned. */
  daemon->abandon_id = g_timeout_add_seconds (RECEIVE_WAIT_SECONDS + RECEIVE_STALL_SECONDS,
                                              abandon_receive, daemon);
  daemon->grace_id = g_timeout_add_seconds (imgproc_service_config_get_shutdown_timeout (daemon->service->config),
                                            grace_over, daemon);
  daemon_check_exit (daemon);
  return G_SOURCE_CONTINUE;
}

static int
run_daemon (Service  *service,
            gboolean  once)
{
  Daemon daemon = { 0 };
  g_autoptr(SoupServer) http = NULL;
  g_autoptr(GError) error = NULL;
  guint sigterm_id, sigint_id, sighup_id, watchdog_id = 0;
  const char *watchdog_usec = g_getenv ("WATCHDOG_USEC");

  daemon.service = service;
  daemon.once = once;
  daemon.loop = g_main_loop_new (NULL, FALSE);
  daemon.receiving = g_cancellable_new ();
  daemon.working = g_cancellable_new ();
  daemon.delete_handles = g_ptr_array_new_with_free_func (g_free);
  daemon.delete_ids = g_ptr_array_new_with_free_func (g_free);
  sigterm_id = g_unix_signal_add (SIGTERM, on_stop_signal, &daemon);
  sigint_id = g_unix_signal_add (SIGINT, on_stop_signal, &daemon);
  sighup_id = g_unix_signal_add (SIGHUP, on_reload_signal, &daemon);

  if (*imgproc_service_config_get_http_listen (service->config) != '\0')
    {
      http = start_http (&daemon, &error);
      if (http == NULL)
        {
          g_critical ("%s", error->message);
          return EXIT_FAILURE;
        }
    }
  if (watchdog_usec != NULL && g_ascii_strtoull (watchdog_usec, NULL, 10) > 0)
    watchdog_id = g_timeout_add (MAX (1, g_ascii_strtoull (watchdog_usec, NULL, 10) / 2000),
                                 watchdog_ping, NULL);

  g_message (_("Polling %s"), imgproc_service_config_get_queue_url (service->config));
  daemon_receive (&daemon);
  notify_systemd ("READY=1");
  g_main_loop_run (daemon.loop);

  if (watchdog_id != 0)
    g_source_remove (watchdog_id);
  if (http != NULL)
    soup_server_disconnect (http);

  g_source_remove (sigterm_id);
  g_source_remove (sigint_id);
  g_source_remove (sighup_id);
  if (daemon.grace_id != 0)
    g_source_remove (daemon.grace_id);
  if (daemon.abandon_id != 0)
    g_source_remove (daemon.abandon_id);
  g_ptr_array_unref (daemon.delete_handles);
  g_ptr_array_unref (daemon.delete_ids);
  g_object_unref (daemon.receiving);
  g_object_unref (daemon.working);
  g_main_loop_unref (daemon.loop);
  return EXIT_SUCCESS;
}

/* Lambda runs the layer's /opt/bootstrap, which is this program: it sets
 * for itself what the launcher sets for the layer's other programs, before
 * anything reads it. */
static void
setup_layer_environment (void)
{
  char *layer = imgproc_layer_root_of_bootstrap ();

  if (layer == NULL)
    return;
  imgproc_layer_environment_set (layer);
  free (layer);
}

static void
setup_i18n (void)
{
  const char *dir;

  setup_layer_environment ();
  dir = g_getenv ("IMGPROC_LOCALEDIR");

  /* Only the language and the character set: logs, EMF and /metrics are
   * read by machines, and a decimal comma (LC_NUMERIC) would break them.
   * Each category is a file to load before the first /next, too. */
  setlocale (LC_CTYPE, "");
  setlocale (LC_MESSAGES, "");
  bindtextdomain (GETTEXT_PACKAGE, dir != NULL && *dir != '\0' ? dir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

static gboolean
make_service (Service  *service,
              gboolean  daemon_mode,
              GError  **error)
{
  const char *endpoint = imgproc_service_config_get_endpoint_url (service->config);
  const char *region = imgproc_service_config_get_region (service->config);
  g_autoptr(ImgprocAwsConfig) aws = NULL;
  g_autoptr(ImgprocCredentialsProvider) credentials = NULL;

  /* The AWS configuration reads the SDKs' variable; set it before any
   * thread starts. */
  if (*endpoint != '\0')
    g_setenv ("AWS_ENDPOINT_URL", endpoint, TRUE);

  aws = imgproc_aws_config_new (*region != '\0' ? region : NULL);
  credentials = imgproc_aws_config_create_default_provider (aws);
  service->s3 = imgproc_s3_client_new (aws, credentials);
  /* Made even without a table, so that a reload may add one. */
  service->dynamodb = imgproc_dynamodb_client_new (aws, credentials);
  if (daemon_mode)
    service->sqs = imgproc_sqs_client_new (aws, credentials);

  service->parser = imgproc_event_parser_new ();
  service->processor = imgproc_processor_new (service->config, service->s3, service->dynamodb);
  service->metrics = imgproc_metrics_new (imgproc_service_config_get_metrics_namespace (service->config),
                                          g_getenv ("AWS_LAMBDA_FUNCTION_NAME"));
  if (imgproc_service_config_get_tracing (service->config) &&
      g_getenv ("AWS_XRAY_DAEMON_ADDRESS") != NULL)
    {
      g_autoptr(GError) xray_error = NULL;

      service->emitter = imgproc_xray_emitter_new_from_environment (&xray_error);
      if (service->emitter == NULL)
        g_warning ("%s", xray_error->message);
      else
        imgproc_processor_set_xray_emitter (service->processor, service->emitter);
    }
  return TRUE;
}

/* glibc gives each thread that mallocs its own arena, and an arena keeps
 * what was freed in it. Decodes run on a pool of threads, so the freed
 * sources and decode buffers of one image piled up in every arena: in
 * bench/pipeline one arena halved the peak RSS at no measurable CPU cost,
 * as decodes make few, large allocations. MALLOC_ARENA_MAX still wins. */
static void
limit_malloc_arenas (void)
{
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
  if (g_getenv ("MALLOC_ARENA_MAX") == NULL)
    mallopt (M_ARENA_MAX, 1);
#endif
}

int
main (int argc, char **argv)
{
  g_autoptr(ImgprocServiceConfig) config = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ImgprocLambdaRuntime) runtime = NULL;
  g_autofree char *config_path = NULL;
  gboolean check_config = FALSE, once = FALSE, lambda = FALSE, show_version = FALSE;
  Service service = { 0 };
  ImgprocServiceMode mode;
  int status;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      N_("Read settings from FILE instead of the default configuration file"), N_("FILE") },
    { "check-config", 0, 0, G_OPTION_ARG_NONE, &check_config,
      N_("Validate the configuration, print the effective one and exit"), NULL },
    { "once", 0, 0, G_OPTION_ARG_NONE, &once,
      N_("Drain the queue and exit (daemon mode)"), NULL },
    { "lambda", 0, 0, G_OPTION_ARG_NONE, &lambda,
      N_("Serve the Lambda Runtime API even without AWS_LAMBDA_RUNTIME_API"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &show_version, N_("Show the version and exit"), NULL },
    { NULL }
  };

  limit_malloc_arenas ();
  setup_i18n ();
  config = imgproc_service_config_new ();
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Make renditions of the images S3 announces, from SQS or on Lambda."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (context, imgproc_service_config_get_option_group (config));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("imgproc-service: %s\n", error->message);
      return error->domain == IMGPROC_PIPELINE_ERROR ? EXIT_CONFIG : 2;
    }
  if (show_version)
    {
      g_print ("imgproc-service %s\n", imgproc_get_version ());
      return EXIT_SUCCESS;
    }
  if (lambda)
    imgproc_service_config_set (config, "mode", "lambda", IMGPROC_SETTING_SOURCE_COMMAND_LINE, NULL);

  mode = imgproc_service_config_resolve_mode (config, NULL);
  if (mode == IMGPROC_SERVICE_MODE_LAMBDA && !check_config)
    {
      runtime = imgproc_lambda_runtime_new_from_environment (&error);
      if (runtime == NULL)
        {
          g_printerr ("imgproc-service: %s\n", error->message);
          return EXIT_CONFIG;
        }
    }

  if (!imgproc_service_config_load_key_file (config, config_path, &error) ||
      !imgproc_service_config_load_environment (config, NULL, &error) ||
      !imgproc_service_config_validate (config, (mode = imgproc_service_config_resolve_mode (config, NULL)), &error))
    {
      g_printerr ("imgproc-service: %s\n", error->message);
      if (runtime != NULL &&
          !imgproc_lambda_runtime_report_error_sync (runtime, NULL, "Runtime.InvalidConfiguration",
                                                     error->message, NULL, NULL))
        g_printerr ("imgproc-service: %s\n", _("Cannot report the initialisation error"));
      return EXIT_CONFIG;
    }

  if (check_config)
    {
      g_autofree char *dump = imgproc_service_config_dump (config);

      g_print ("%s", dump);
      return EXIT_SUCCESS;
    }

  imgproc_log_install (imgproc_log_format_from_string (imgproc_service_config_get_log_format (config)),
                       imgproc_log_level_from_string (imgproc_service_config_get_log_level (config)));

  service.config = g_object_ref (config);
  service.config_path = config_path;
  if (!make_service (&service, mode == IMGPROC_SERVICE_MODE_DAEMON, &error))
    {
      g_printerr ("imgproc-service: %s\n", error->message);
      if (runtime != NULL)
        imgproc_lambda_runtime_report_error_sync (runtime, NULL, "Runtime.InitFailed", error->message, NULL, NULL);
      return EXIT_FAILURE;
    }

  if (mode == IMGPROC_SERVICE_MODE_LAMBDA)
    status = run_lambda (&service, runtime);
  else
    status = run_daemon (&service, once);

  g_clear_object (&service.parser);
  g_clear_object (&service.processor);
  g_clear_object (&service.retiring);
  g_clear_object (&service.metrics);
  g_clear_object (&service.sqs);
  g_clear_object (&service.s3);
  g_clear_object (&service.dynamodb);
  g_clear_object (&service.config);
  g_clear_object (&service.emitter);
  return status;
}
