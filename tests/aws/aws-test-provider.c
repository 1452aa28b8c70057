/* Scripted credentials for the AWS client tests. The last credentials pushed
 * are handed out for ever once the earlier ones have been used. */
#include "config.h"

#include "aws-test-provider.h"

struct _AwsTestProvider
{
  GObject parent_instance;
  GPtrArray *credentials;
  guint loads;
};

static void aws_test_provider_iface_init (ImgprocCredentialsProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AwsTestProvider, aws_test_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (IMGPROC_TYPE_CREDENTIALS_PROVIDER,
                                                      aws_test_provider_iface_init))

static const char *
aws_test_provider_get_name (ImgprocCredentialsProvider *provider)
{
  return "test";
}

static void
aws_test_provider_load_async (ImgprocCredentialsProvider *provider,
                              GCancellable               *cancellable,
                              GAsyncReadyCallback         callback,
                              gpointer                    user_data)
{
  AwsTestProvider *self = AWS_TEST_PROVIDER (provider);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  guint index = MIN (self->loads, self->credentials->len - 1);

  g_task_set_source_tag (task, aws_test_provider_load_async);
  self->loads++;
  g_task_return_pointer (task, imgproc_credentials_ref (g_ptr_array_index (self->credentials, index)),
                         (GDestroyNotify) imgproc_credentials_unref);
  g_object_unref (task);
}

static ImgprocCredentials *
aws_test_provider_load_finish (ImgprocCredentialsProvider  *provider,
                               GAsyncResult                *result,
                               GError                     **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
aws_test_provider_iface_init (ImgprocCredentialsProviderInterface *iface)
{
  iface->get_name = aws_test_provider_get_name;
  iface->load_async = aws_test_provider_load_async;
  iface->load_finish = aws_test_provider_load_finish;
}

static void
aws_test_provider_finalize (GObject *object)
{
  AwsTestProvider *self = AWS_TEST_PROVIDER (object);

  g_ptr_array_unref (self->credentials);
  G_OBJECT_CLASS (aws_test_provider_parent_class)->finalize (object);
}

static void
aws_test_provider_class_init (AwsTestProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aws_test_provider_finalize;
}

static void
aws_test_provider_init (AwsTestProvider *self)
{
  self->credentials = g_ptr_array_new_with_free_func ((GDestroyNotify) imgproc_credentials_unref);
}

AwsTestProvider *
aws_test_provider_new (const char *access_key_id,
                       const char *secret_access_key)
{
  AwsTestProvider *self = g_object_new (AWS_TYPE_TEST_PROVIDER, NULL);

  aws_test_provider_push (self, access_key_id, secret_access_key, NULL);
  return self;
}

void
aws_test_provider_push (AwsTestProvider *self,
                        const char      *access_key_id,
                        const char      *secret_access_key,
                        GDateTime       *expiration)
{
  g_ptr_array_add (self->credentials,
                   imgproc_credentials_new (access_key_id, secret_access_key, NULL, expiration, "test"));
}

guint
aws_test_provider_get_loads (AwsTestProvider *self)
{
  return self->loads;
}
