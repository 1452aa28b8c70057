/* A small XML tree for AWS answers (S3, STS, query-protocol errors). Element
 * names lose their namespace prefix and xmlns is ignored, because s3rver and
 * AWS put the same elements in different namespaces. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ImgprocAwsXmlNode ImgprocAwsXmlNode;

struct _ImgprocAwsXmlNode
{
  char *name;
  GString *text;
  GPtrArray *children;
};

ImgprocAwsXmlNode *imgproc_aws_xml_parse (const char  *data,
                                          gsize        length,
                                          GError     **error);
void imgproc_aws_xml_node_free (ImgprocAwsXmlNode *node);
ImgprocAwsXmlNode *imgproc_aws_xml_node_child (ImgprocAwsXmlNode *node,
                                               const char        *name);
const char *imgproc_aws_xml_node_child_text (ImgprocAwsXmlNode *node,
                                             const char        *name);
ImgprocAwsXmlNode *imgproc_aws_xml_node_find (ImgprocAwsXmlNode *node,
                                              const char        *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImgprocAwsXmlNode, imgproc_aws_xml_node_free)

G_END_DECLS
