/* Builds an ImgprocAwsXmlNode tree with GMarkup: AWS answers are small, and a
 * tree is easier to read from than a stream of callbacks. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-aws-xml-private.h"

#include <string.h>

typedef struct
{
  ImgprocAwsXmlNode *root;
  GPtrArray *stack;
} ParseState;

static ImgprocAwsXmlNode *
node_new (const char *qualified_name)
{
  ImgprocAwsXmlNode *node = g_new0 (ImgprocAwsXmlNode, 1);
  const char *colon = strchr (qualified_name, ':');

  node->name = g_strdup (colon != NULL ? colon + 1 : qualified_name);
  node->text = g_string_new (NULL);
  node->children = g_ptr_array_new_with_free_func ((GDestroyNotify) imgproc_aws_xml_node_free);
  return node;
}

void
imgproc_aws_xml_node_free (ImgprocAwsXmlNode *node)
{
  if (node == NULL)
    return;
  g_free (node->name);
  g_string_free (node->text, TRUE);
  g_ptr_array_unref (node->children);
  g_free (node);
}

static void
on_start (GMarkupParseContext  *context,
          const char           *element_name,
          const char          **attribute_names,
          const char          **attribute_values,
          gpointer              user_data,
          GError              **error)
{
  ParseState *state = user_data;
  ImgprocAwsXmlNode *node = node_new (element_name);

  if (state->stack->len == 0)
    {
      if (state->root != NULL)
        {
          imgproc_aws_xml_node_free (node);
          g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                               "more than one root element");
          return;
        }
      state->root = node;
    }
  else
    {
      ImgprocAwsXmlNode *parent = g_ptr_array_index (state->stack, state->stack->len - 1);
      g_ptr_array_add (parent->children, node);
    }
  g_ptr_array_add (state->stack, node);
}

static void
on_end (GMarkupParseContext  *context,
        const char           *element_name,
        gpointer              user_data,
        GError              **error)
{
  ParseState *state = user_data;

  g_ptr_array_set_size (state->stack, state->stack->len - 1);
}

static void
on_text (GMarkupParseContext  *context,
         const char           *text,
         gsize                 text_len,
         gpointer              user_data,
         GError              **error)
{
  ParseState *state = user_data;

  if (state->stack->len > 0)
    {
      ImgprocAwsXmlNode *node = g_ptr_array_index (state->stack, state->stack->len - 1);
      g_string_append_len (node->text, text, text_len);
    }
}

ImgprocAwsXmlNode *
imgproc_aws_xml_parse (const char  *data,
                       gsize        length,
                       GError     **error)
{
  static const GMarkupParser parser = { on_start, on_end, on_text, NULL, NULL };
  ParseState state = { NULL, g_ptr_array_new () };
  GMarkupParseContext *context;
  gboolean ok;

  context = g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, &state, NULL);
  ok = g_markup_parse_context_parse (context, data, length, error) &&
       g_markup_parse_context_end_parse (context, error);
  g_markup_parse_context_free (context);
  g_ptr_array_unref (state.stack);

  if (ok && state.root == NULL)
    {
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_EMPTY, "no XML element");
      ok = FALSE;
    }
  if (!ok)
    {
      imgproc_aws_xml_node_free (state.root);
      return NULL;
    }
  return state.root;
}

ImgprocAwsXmlNode *
imgproc_aws_xml_node_child (ImgprocAwsXmlNode *node,
                            const char        *name)
{
  if (node == NULL)
    return NULL;
  for (guint i = 0; i < node->children->len; i++)
    {
      ImgprocAwsXmlNode *child = g_ptr_array_index (node->children, i);
      if (g_str_equal (child->name, name))
        return child;
    }
  return NULL;
}

const char *
imgproc_aws_xml_node_child_text (ImgprocAwsXmlNode *node,
                                 const char        *name)
{
  ImgprocAwsXmlNode *child = imgproc_aws_xml_node_child (node, name);

  return child != NULL ? child->text->str : NULL;
}

ImgprocAwsXmlNode *
imgproc_aws_xml_node_find (ImgprocAwsXmlNode *node,
                           const char        *name)
{
  if (node == NULL)
    return NULL;
  if (g_str_equal (node->name, name))
    return node;
  for (guint i = 0; i < node->children->len; i++)
    {
      ImgprocAwsXmlNode *found = imgproc_aws_xml_node_find (g_ptr_array_index (node->children, i), name);
      if (found != NULL)
        return found;
    }
  return NULL;
}
