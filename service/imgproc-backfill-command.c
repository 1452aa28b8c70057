/* `imgproc backfill`: enqueues S3-event-shaped messages for the objects that
 * already exist under a prefix, so that a new deployment renders them too. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-command.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#define DEFAULT_STATE_FILE "imgproc-backfill.state"
/* SendMessageBatch takes at most ten entries. */
#define BATCH_SIZE 10
#define MAX_SEND_ATTEMPTS 5

static volatile sig_atomic_t interrupted;

typedef struct {
  ImgprocS3Client *s3;
  ImgprocSqsClient *sqs;
  const char *bucket;
  const char *prefix;
  const char *queue_url;
  const char *region;
  const char *state_file;
  gboolean dry_run;
  gboolean show_progress;
  gboolean progress_shown;
  char *last_key;
  guint64 listed;
  /* Messages the earlier runs enqueued, from the state file: the resumed
   * listing starts after their keys and cannot count them. */
  guint64 done_earlier;
  gboolean done_earlier_known;
  guint64 enqueued;
  guint pages;
} Backfill;

static void
on_interrupt (G_GNUC_UNUSED int signum)
{
  interrupted = 1;
}

static void
install_interrupt_handler (void)
{
  struct sigaction action = { 0 };

  action.sa_handler = on_interrupt;
  sigemptyset (&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction (SIGINT, &action, NULL);
  sigaction (SIGTERM, &action, NULL);
}

/* S3 notifications carry the key form-URL-encoded: a space becomes '+', and
 * everything but unreserved characters and '/' is percent-encoded as UTF-8. */
static char *
form_url_encode_key (const char *key)
{
  GString *encoded = g_string_sized_new (strlen (key) + 16);

  for (const guchar *p = (const guchar *) key; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || strchr ("-_.~/", *p) != NULL)
        g_string_append_c (encoded, (char) *p);
      else if (*p == ' ')
        g_string_append_c (encoded, '+');
      else
        g_string_append_printf (encoded, "%%%02X", *p);
    }

  return g_string_free (encoded, FALSE);
}

static char *
unquote_etag (const char *etag)
{
  gsize length;

  if (etag == NULL)
    return g_strdup ("");
  length = strlen (etag);
  if (length >= 2 && etag[0] == '"' && etag[length - 1] == '"')
    return g_strndup (etag + 1, length - 2);

  return g_strdup (etag);
}

/* A sequencer from the modification time: S3's own are opaque hexadecimal
 * strings, and an older object must order before a newer one. */
static char *
sequencer_for (ImgprocS3ObjectInfo *object)
{
  GDateTime *modified = imgproc_s3_object_info_get_last_modified (object);
  gint64 usec = modified != NULL ? g_date_time_to_unix (modified) * G_USEC_PER_SEC +
                                   g_date_time_get_microsecond (modified) : 0;

  return g_strdup_printf ("%016" G_GINT64_MODIFIER "X", (guint64) MAX (usec, 0));
}

static char *
event_time_for (ImgprocS3ObjectInfo *object)
{
  GDateTime *modified = imgproc_s3_object_info_get_last_modified (object);
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) utc = NULL;

  if (modified == NULL)
    modified = now = g_date_time_new_now_utc ();
  utc = g_date_time_to_utc (modified);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static char *
build_event (Backfill            *backfill,
             ImgprocS3ObjectInfo *object)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *key = form_url_encode_key (imgproc_s3_object_info_get_key (object));
  g_autofree char *etag = unquote_etag (imgproc_s3_object_info_get_etag (object));
  g_autofree char *sequencer = sequencer_for (object);
  g_autofree char *event_time = event_time_for (object);
  g_autofree char *arn = g_strdup_printf ("arn:aws:s3:::%s", backfill->bucket);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Records");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  add_string_member (builder, "eventVersion", "2.1");
  add_string_member (builder, "eventSource", "aws:s3");
  add_string_member (builder, "awsRegion", backfill->region);
  add_string_member (builder, "eventTime", event_time);
  add_string_member (builder, "eventName", "ObjectCreated:Put");
  json_builder_set_member_name (builder, "userIdentity");
  json_builder_begin_object (builder);
  add_string_member (builder, "principalId", "imgproc-backfill");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "s3");
  json_builder_begin_object (builder);
  add_string_member (builder, "s3SchemaVersion", "1.0");
  add_string_member (builder, "configurationId", "imgproc-backfill");
  json_builder_set_member_name (builder, "bucket");
  json_builder_begin_object (builder);
  add_string_member (builder, "name", backfill->bucket);
  add_string_member (builder, "arn", arn);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "object");
  json_builder_begin_object (builder);
  add_string_member (builder, "key", key);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, (gint64) imgproc_s3_object_info_get_size (object));
  add_string_member (builder, "eTag", etag);
  add_string_member (builder, "sequencer", sequencer);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* The state file remembers where the last run stopped, and for which
 * listing, so that a resumed run cannot continue another one's. */
static gboolean
load_state (Backfill  *backfill,
            GError   **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  const char *bucket, *prefix, *last_key;

  if (!json_parser_load_from_file (parser, backfill->state_file, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("Cannot read the state file %s: %s"), backfill->state_file, local_error->message);
      return FALSE;
    }

  object = JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ?
           json_node_get_object (json_parser_get_root (parser)) : NULL;
  bucket = object != NULL ? json_object_get_string_member_with_default (object, "bucket", NULL) : NULL;
  prefix = object != NULL ? json_object_get_string_member_with_default (object, "prefix", NULL) : NULL;
  last_key = object != NULL ? json_object_get_string_member_with_default (object, "last_key", NULL) : NULL;
  if (bucket == NULL || prefix == NULL || last_key == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("The state file %s is not a backfill state; remove it or use --restart"),
                   backfill->state_file);
      return FALSE;
    }
  if (!g_str_equal (bucket, backfill->bucket) || !g_str_equal (prefix, backfill->prefix))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("The state file %s belongs to bucket “%s”, prefix “%s”; "
                     "use --restart or another --state"),
                   backfill->state_file, bucket, prefix);
      return FALSE;
    }

  backfill->last_key = g_strdup (last_key);
  /* State files written before the count was kept have none. */
  backfill->done_earlier_known = json_object_has_member (object, "enqueued");
  backfill->done_earlier = (guint64) MAX (json_object_get_int_member_with_default (object, "enqueued", 0), 0);
  return TRUE;
}

static gboolean
save_state (Backfill  *backfill,
            GError   **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  add_string_member (builder, "bucket", backfill->bucket);
  add_string_member (builder, "prefix", backfill->prefix);
  add_string_member (builder, "queue_url", backfill->queue_url);
  add_string_member (builder, "last_key", backfill->last_key);
  json_builder_set_member_name (builder, "enqueued");
  json_builder_add_int_value (builder, (gint64) (backfill->done_earlier + backfill->enqueued));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);

  /* g_file_set_contents writes a temporary file and renames it over the
   * old one, so an interrupted write leaves the previous state. */
  return g_file_set_contents (backfill->state_file, text, -1, error);
}

static void
progress_clear (Backfill *backfill)
{
  if (backfill->progress_shown)
    {
      g_printerr ("\r\033[K");
      backfill->progress_shown = FALSE;
    }
}

static void
progress_draw (Backfill *backfill)
{
  if (!backfill->show_progress)
    return;

  /* TRANSLATORS: the progress line of `imgproc backfill` on a terminal */
  g_printerr ("\r\033[K");
  g_printerr (_("page %u: %llu listed, %llu enqueued"), backfill->pages,
              (unsigned long long) backfill->listed, (unsigned long long) backfill->enqueued);
  backfill->progress_shown = TRUE;
}

static void
print_aws_error (Backfill     *backfill,
                 const char   *what,
                 const GError *error)
{
  progress_clear (backfill);
  g_printerr ("%s: %s: %s\n", g_get_prgname (), what, error->message);
  if (error->domain != IMGPROC_AWS_ERROR)
    return;
  switch (error->code)
    {
    case IMGPROC_AWS_ERROR_ACCESS_DENIED:
    case IMGPROC_AWS_ERROR_SIGNATURE:
    case IMGPROC_AWS_ERROR_EXPIRED_CREDENTIALS:
      g_printerr (_("Check the AWS credentials: “imgproc aws whoami” shows whose they are.\n"));
      break;
    case IMGPROC_AWS_ERROR_NETWORK:
    case IMGPROC_AWS_ERROR_TIMEOUT:
      g_printerr (_("Check the network and the endpoint (AWS_ENDPOINT_URL).\n"));
      break;
    default:
      break;
    }
}

/* Sends one batch, retrying the entries SQS failed on its side; entries it
 * refused as the sender's fault are not retried. */
static gboolean
send_batch (Backfill   *backfill,
            GPtrArray  *bodies,
            GPtrArray  *keys)
{
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) pending_keys = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < bodies->len; i++)
    {
      g_ptr_array_add (pending, g_strdup (g_ptr_array_index (bodies, i)));
      g_ptr_array_add (pending_keys, g_strdup (g_ptr_array_index (keys, i)));
    }

  for (guint attempt = 1; pending->len > 0; attempt++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ImgprocSqsBatchResult) result = NULL;
      g_autoptr(GPtrArray) retry = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) retry_keys = g_ptr_array_new_with_free_func (g_free);
      gboolean refused = FALSE;

      g_ptr_array_add (pending, NULL);
      result = imgproc_sqs_client_send_message_batch_sync (backfill->sqs, backfill->queue_url,
                                                           (const char *const *) pending->pdata,
                                                           0, NULL, &error);
      g_ptr_array_remove_index (pending, pending->len - 1);
      if (result == NULL)
        {
          print_aws_error (backfill, _("SendMessageBatch failed"), error);
          return FALSE;
        }

      backfill->enqueued += imgproc_sqs_batch_result_get_n_successful (result);
      for (guint i = 0; i < imgproc_sqs_batch_result_get_n_failed (result); i++)
        {
          guint index = imgproc_sqs_batch_result_get_failed_index (result, i);

          if (index >= pending->len)
            continue;
          if (imgproc_sqs_batch_result_get_failed_sender_fault (result, i) || attempt >= MAX_SEND_ATTEMPTS)
            {
              g_autofree char *display_key = g_utf8_make_valid (g_ptr_array_index (pending_keys, index), -1);

              progress_clear (backfill);
              g_printerr (_("%s: SQS refused the message for “%s”: %s (%s)\n"), g_get_prgname (),
                          display_key,
                          imgproc_sqs_batch_result_get_failed_message (result, i),
                          imgproc_sqs_batch_result_get_failed_code (result, i));
              refused = TRUE;
              continue;
            }
          g_ptr_array_add (retry, g_strdup (g_ptr_array_index (pending, index)));
          g_ptr_array_add (retry_keys, g_strdup (g_ptr_array_index (pending_keys, index)));
        }
      if (refused)
        return FALSE;

      g_ptr_array_set_size (pending, 0);
      g_ptr_array_set_size (pending_keys, 0);
      for (guint i = 0; i < retry->len; i++)
        {
          g_ptr_array_add (pending, g_strdup (g_ptr_array_index (retry, i)));
          g_ptr_array_add (pending_keys, g_strdup (g_ptr_array_index (retry_keys, i)));
        }
      if (pending->len > 0)
        g_usleep ((gulong) (100000u << MIN (attempt, 4u)));
    }

  return TRUE;
}

static gboolean
flush_batch (Backfill  *backfill,
             GPtrArray *bodies,
             GPtrArray *keys)
{
  g_autoptr(GError) error = NULL;

  if (bodies->len == 0)
    return TRUE;

  if (backfill->dry_run)
    {
      for (guint i = 0; i < bodies->len; i++)
        g_print ("%s\n", (const char *) g_ptr_array_index (bodies, i));
      backfill->enqueued += bodies->len;
    }
  else
    {
      if (!send_batch (backfill, bodies, keys))
        return FALSE;
      g_free (backfill->last_key);
      backfill->last_key = g_strdup (g_ptr_array_index (keys, keys->len - 1));
      if (!save_state (backfill, &error))
        {
          progress_clear (backfill);
          g_printerr (_("%s: cannot write the state file: %s\n"), g_get_prgname (), error->message);
          return FALSE;
        }
    }

  g_ptr_array_set_size (bodies, 0);
  g_ptr_array_set_size (keys, 0);
  progress_draw (backfill);
  return TRUE;
}

static gboolean
check_queue (Backfill *backfill)
{
  const char *const names[] = { "QueueArn", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  attributes = imgproc_sqs_client_get_queue_attributes_sync (backfill->sqs, backfill->queue_url,
                                                             names, NULL, &error);
  if (attributes != NULL)
    return TRUE;

  if (g_error_matches (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_NOT_FOUND))
    g_printerr (_("%s: the queue %s does not exist\n"), g_get_prgname (), backfill->queue_url);
  else
    print_aws_error (backfill, _("cannot reach the queue"), error);
  return FALSE;
}

static int
run_backfill (Backfill *backfill)
{
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  /* Resuming lists from the saved key on, rather than every key again. */
  g_autofree char *start_after = g_strdup (backfill->last_key);
  g_autofree char *token = NULL;

  do
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) objects = NULL;
      g_autofree char *next_token = NULL;

      objects = imgproc_s3_client_list_objects_after_sync (backfill->s3, backfill->bucket, backfill->prefix,
                                                           start_after, token, 1000, &next_token, NULL, &error);
      if (objects == NULL)
        {
          progress_clear (backfill);
          if (g_error_matches (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_NOT_FOUND))
            g_printerr (_("%s: the bucket “%s” does not exist\n"), g_get_prgname (), backfill->bucket);
          else
            print_aws_error (backfill, _("ListObjectsV2 failed"), error);
          return IMGPROC_EXIT_FAILED;
        }
      backfill->pages++;

      for (guint i = 0; i < objects->len; i++)
        {
          ImgprocS3ObjectInfo *object = g_ptr_array_index (objects, i);
          const char *key = imgproc_s3_object_info_get_key (object);

          backfill->listed++;
          /* S3 lists keys in the order of their UTF-8 bytes, which strcmp
           * follows, so the keys up to the saved one were all enqueued. S3
           * lists none of them after start-after; a store that ignores it
           * still enqueues nothing twice. */
          if (backfill->last_key != NULL && strcmp (key, backfill->last_key) <= 0)
            continue;
          if (g_str_has_suffix (key, "/") && imgproc_s3_object_info_get_size (object) == 0)
            continue;

          g_ptr_array_add (bodies, build_event (backfill, object));
          g_ptr_array_add (keys, g_strdup (key));
          if (bodies->len == BATCH_SIZE && !flush_batch (backfill, bodies, keys))
            return IMGPROC_EXIT_FAILED;
          if (interrupted)
            break;
        }
      progress_draw (backfill);

      g_free (token);
      token = g_steal_pointer (&next_token);
    }
  while (token != NULL && !interrupted);

  if (!flush_batch (backfill, bodies, keys))
    return IMGPROC_EXIT_FAILED;
  progress_clear (backfill);

  if (interrupted)
    {
      g_printerr (_("%s: interrupted after %llu messages; run the same command again to resume\n"),
                  g_get_prgname (), (unsigned long long) backfill->enqueued);
      return IMGPROC_EXIT_INTERRUPTED;
    }

  if (!backfill->done_earlier_known)
    g_printerr (backfill->dry_run ? _("Dry run: %llu messages would be enqueued (%llu objects listed)\n")
                                  : _("Enqueued %llu messages (%llu objects listed)\n"),
                (unsigned long long) backfill->enqueued, (unsigned long long) backfill->listed);
  else if (backfill->dry_run)
    g_printerr (_("Dry run: %llu messages would be enqueued (%llu objects listed, %llu already done)\n"),
                (unsigned long long) backfill->enqueued, (unsigned long long) backfill->listed,
                (unsigned long long) backfill->done_earlier);
  else
    g_printerr (_("Enqueued %llu messages (%llu objects listed, %llu already done in an earlier run)\n"),
                (unsigned long long) backfill->enqueued, (unsigned long long) backfill->listed,
                (unsigned long long) backfill->done_earlier);
  return IMGPROC_EXIT_OK;
}

int
imgproc_backfill_command (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *bucket = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *queue_url = NULL;
  g_autofree char *state_file = NULL;
  g_autofree char *region = NULL;
  gboolean dry_run = FALSE;
  gboolean restart = FALSE;
  gboolean quiet = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(ImgprocAwsConfig) config = NULL;
  g_autoptr(ImgprocCredentialsProvider) provider = NULL;
  g_autoptr(ImgprocCredentials) credentials = NULL;
  g_autoptr(ImgprocS3Client) s3 = NULL;
  g_autoptr(ImgprocSqsClient) sqs = NULL;
  Backfill backfill = { 0 };
  int status;
  const GOptionEntry entries[] = {
    { "bucket", 0, 0, G_OPTION_ARG_STRING, &bucket,
      N_("The bucket that holds the images (required)"), N_("BUCKET") },
    { "prefix", 0, 0, G_OPTION_ARG_STRING, &prefix,
      N_("Enqueue only keys that start with this, e.g. uploads/"), N_("PREFIX") },
    { "queue", 0, 0, G_OPTION_ARG_STRING, &queue_url,
      N_("The URL of the queue imgproc-service reads (required)"), N_("URL") },
    { "state", 0, 0, G_OPTION_ARG_FILENAME, &state_file,
      N_("Where to record progress (default: ./imgproc-backfill.state)"), N_("FILE") },
    { "restart", 0, 0, G_OPTION_ARG_NONE, &restart,
      N_("Start from the first key, ignoring the state file"), NULL },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
      N_("Print the messages instead of sending them; the state file is left alone"), NULL },
    { "region", 0, 0, G_OPTION_ARG_STRING, &region,
      N_("Use this region instead of AWS_REGION, AWS_DEFAULT_REGION or the profile's"), N_("REGION") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
      N_("Show no progress, even on a terminal"), NULL },
    G_OPTION_ENTRY_NULL
  };

  context = imgproc_command_option_context_new (
    "backfill", NULL,
    _("Enqueues an S3 ObjectCreated:Put event for every object under a prefix,\n"
      "so that imgproc-service renders images uploaded before it was deployed.\n"
      "\n"
      "Objects are listed with ListObjectsV2 and sent with SendMessageBatch, ten\n"
      "to a batch. After each batch the last enqueued key is written to the state\n"
      "file, and the next run starts after it: an interrupted backfill resumes\n"
      "where it stopped. Messages of a batch may be sent twice after a failure;\n"
      "imgproc-service processes a duplicate idempotently."),
    _("Examples:\n"
      "  imgproc backfill --bucket photos --prefix uploads/ \\\n"
      "      --queue https://sqs.eu-west-1.amazonaws.com/123456789012/imgproc\n"
      "  imgproc backfill --bucket photos --prefix uploads/2024/ --queue URL --dry-run\n"
      "  imgproc backfill --bucket photos --prefix uploads/ --queue URL --restart\n"
      "\n"
      "Progress goes to standard error when it is a terminal. Endpoints follow\n"
      "AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL_SQS. The exit status is 1 when\n"
      "the bucket or the queue is missing, the credentials are refused or a\n"
      "message cannot be sent, and 130 when interrupted."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!imgproc_command_parse (context, &argc, &argv))
    return IMGPROC_EXIT_USAGE;
  if (argc > 1)
    {
      imgproc_command_usage_error (_("“backfill” takes no arguments"));
      return IMGPROC_EXIT_USAGE;
    }
  if (bucket == NULL || *bucket == '\0')
    {
      imgproc_command_usage_error (_("--bucket is required"));
      return IMGPROC_EXIT_USAGE;
    }
  if (queue_url == NULL || *queue_url == '\0')
    {
      imgproc_command_usage_error (_("--queue is required"));
      return IMGPROC_EXIT_USAGE;
    }

  config = imgproc_aws_config_new (region);
  provider = imgproc_aws_config_create_default_provider (config);
  credentials = imgproc_credentials_provider_load_sync (provider, NULL, &error);
  if (credentials == NULL)
    {
      g_printerr (_("%s: no AWS credentials: %s\n"), g_get_prgname (), error->message);
      return IMGPROC_EXIT_FAILED;
    }
  s3 = imgproc_s3_client_new (config, provider);
  sqs = imgproc_sqs_client_new (config, provider);

  backfill.s3 = s3;
  backfill.sqs = sqs;
  backfill.bucket = bucket;
  backfill.prefix = prefix != NULL ? prefix : "";
  backfill.queue_url = queue_url;
  backfill.region = imgproc_aws_config_get_region (config);
  backfill.state_file = state_file != NULL ? state_file : DEFAULT_STATE_FILE;
  backfill.dry_run = dry_run;
  backfill.show_progress = !quiet && isatty (STDERR_FILENO);
  backfill.done_earlier_known = TRUE;

  if (!restart && !load_state (&backfill, &error))
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return IMGPROC_EXIT_FAILED;
    }
  if (backfill.last_key != NULL && !quiet)
    {
      g_autofree char *display_key = g_utf8_make_valid (backfill.last_key, -1);

      g_printerr (_("Resuming after “%s” (from %s)\n"), display_key, backfill.state_file);
    }

  if (!dry_run && !check_queue (&backfill))
    {
      g_free (backfill.last_key);
      return IMGPROC_EXIT_FAILED;
    }

  install_interrupt_handler ();
  status = run_backfill (&backfill);
  g_free (backfill.last_key);
  return status;
}
