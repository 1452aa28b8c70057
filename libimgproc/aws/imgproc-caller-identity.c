/* The identity STS reports for a set of credentials. */
#include "config.h"

#include "imgproc.h"

struct _ImgprocCallerIdentity
{
  gatomicrefcount ref_count;
  char *account;
  char *arn;
  char *user_id;
};

G_DEFINE_BOXED_TYPE (ImgprocCallerIdentity, imgproc_caller_identity,
                     imgproc_caller_identity_ref, imgproc_caller_identity_unref)

/**
 * imgproc_caller_identity_new:
 * @account: the 12-digit account id
 * @arn: the principal's ARN
 * @user_id: the principal's unique id
 *
 * Makes a caller identity; the STS client does this from its answer.
 *
 * Returns: (transfer full): a new identity
 */
ImgprocCallerIdentity *
imgproc_caller_identity_new (const char *account,
                             const char *arn,
                             const char *user_id)
{
  ImgprocCallerIdentity *self = g_new0 (ImgprocCallerIdentity, 1);

  g_return_val_if_fail (account != NULL && arn != NULL && user_id != NULL, NULL);

  g_atomic_ref_count_init (&self->ref_count);
  self->account = g_strdup (account);
  self->arn = g_strdup (arn);
  self->user_id = g_strdup (user_id);
  return self;
}

/**
 * imgproc_caller_identity_ref:
 * @self: the identity
 *
 * Takes a reference to @self.
 *
 * Returns: (transfer full): @self
 */
ImgprocCallerIdentity *
imgproc_caller_identity_ref (ImgprocCallerIdentity *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * imgproc_caller_identity_unref:
 * @self: (transfer full): the identity
 *
 * Drops a reference to @self, freeing it with the last one.
 */
void
imgproc_caller_identity_unref (ImgprocCallerIdentity *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->account);
  g_free (self->arn);
  g_free (self->user_id);
  g_free (self);
}

/**
 * imgproc_caller_identity_get_account:
 * @self: the identity
 *
 * Gives the account the principal belongs to.
 *
 * Returns: the account id
 */
const char *
imgproc_caller_identity_get_account (const ImgprocCallerIdentity *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->account;
}

/**
 * imgproc_caller_identity_get_arn:
 * @self: the identity
 *
 * Gives the principal's ARN, such as `arn:aws:iam::123456789012:user/ci` or an
 * assumed-role session's ARN.
 *
 * Returns: the ARN
 */
const char *
imgproc_caller_identity_get_arn (const ImgprocCallerIdentity *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->arn;
}

/**
 * imgproc_caller_identity_get_user_id:
 * @self: the identity
 *
 * Gives the principal's unique id (for a role session, the role id and
 * session name).
 *
 * Returns: the user id
 */
const char *
imgproc_caller_identity_get_user_id (const ImgprocCallerIdentity *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->user_id;
}
