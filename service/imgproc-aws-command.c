/* `imgproc aws whoami`: which account and principal the AWS credentials
 * belong to, and which provider of the chain supplied them. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-command.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

static void
print_json (ImgprocCallerIdentity *identity,
            const char            *provider,
            const char            *region)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "account");
  json_builder_add_string_value (builder, imgproc_caller_identity_get_account (identity));
  json_builder_set_member_name (builder, "arn");
  json_builder_add_string_value (builder, imgproc_caller_identity_get_arn (identity));
  json_builder_set_member_name (builder, "user_id");
  json_builder_add_string_value (builder, imgproc_caller_identity_get_user_id (identity));
  json_builder_set_member_name (builder, "credentials_provider");
  json_builder_add_string_value (builder, provider);
  json_builder_set_member_name (builder, "region");
  json_builder_add_string_value (builder, region);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static int
whoami (const char *region,
        gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ImgprocAwsConfig) config = imgproc_aws_config_new (region);
  g_autoptr(ImgprocCredentialsProvider) provider = imgproc_aws_config_create_default_provider (config);
  g_autoptr(ImgprocCredentials) credentials = NULL;
  g_autoptr(ImgprocStsClient) sts = NULL;
  g_autoptr(ImgprocCallerIdentity) identity = NULL;
  const char *provider_name;

  credentials = imgproc_credentials_provider_load_sync (provider, NULL, &error);
  if (credentials == NULL)
    {
      g_printerr (_("%s: no AWS credentials: %s\n"), g_get_prgname (), error->message);
      return IMGPROC_EXIT_FAILED;
    }
  provider_name = imgproc_credentials_get_provider_name (credentials);

  /* The default provider caches, so STS is called with these same keys. */
  sts = imgproc_sts_client_new (config, provider);
  identity = imgproc_sts_client_get_caller_identity_sync (sts, NULL, &error);
  if (identity == NULL)
    {
      g_printerr (_("%s: STS GetCallerIdentity failed (credentials from “%s”): %s\n"),
                  g_get_prgname (), provider_name, error->message);
      return IMGPROC_EXIT_FAILED;
    }

  if (json)
    {
      print_json (identity, provider_name, imgproc_aws_config_get_region (config));
      return IMGPROC_EXIT_OK;
    }
  /* TRANSLATORS: the labels of `imgproc aws whoami`; keep the values aligned */
  g_print (_("Account:      %s\n"), imgproc_caller_identity_get_account (identity));
  g_print (_("ARN:          %s\n"), imgproc_caller_identity_get_arn (identity));
  g_print (_("User id:      %s\n"), imgproc_caller_identity_get_user_id (identity));
  g_print (_("Credentials:  %s\n"), provider_name);
  g_print (_("Region:       %s\n"), imgproc_aws_config_get_region (config));
  return IMGPROC_EXIT_OK;
}

int
imgproc_aws_command (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *region = NULL;
  g_autofree char *profile = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "region", 0, 0, G_OPTION_ARG_STRING, &region,
      N_("Use this region instead of AWS_REGION, AWS_DEFAULT_REGION or the profile's"), N_("REGION") },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile,
      N_("Use this profile of the shared AWS files instead of AWS_PROFILE"), N_("NAME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print a JSON object"), NULL },
    G_OPTION_ENTRY_NULL
  };

  context = imgproc_command_option_context_new (
    "aws", _("whoami"),
    _("Talks to AWS with the credentials imgproc would use.\n"
      "\n"
      "  whoami   print the account, ARN and user id the credentials belong to\n"
      "           (STS GetCallerIdentity), and which provider supplied them:\n"
      "           environment, profile, web identity, container or instance\n"
      "           metadata, tried in that order"),
    _("Examples:\n"
      "  imgproc aws whoami\n"
      "  imgproc aws whoami --profile prod --region eu-west-1 --json\n"
      "\n"
      "Endpoints follow AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_STS. Secrets are\n"
      "never printed. The exit status is 1 when no credentials are found or STS\n"
      "refuses them."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!imgproc_command_parse (context, &argc, &argv))
    return IMGPROC_EXIT_USAGE;

  if (argc < 2)
    {
      imgproc_command_usage_error (_("No subcommand given"));
      return IMGPROC_EXIT_USAGE;
    }
  if (!g_str_equal (argv[1], "whoami"))
    {
      imgproc_command_usage_error (_("Unknown subcommand “%s”"), argv[1]);
      return IMGPROC_EXIT_USAGE;
    }
  if (argc > 2)
    {
      imgproc_command_usage_error (_("“whoami” takes no arguments"));
      return IMGPROC_EXIT_USAGE;
    }
  if (profile != NULL)
    g_setenv ("AWS_PROFILE", profile, TRUE);

  return whoami (region, json);
}
