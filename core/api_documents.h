/*
 * api_documents: what the document handlers share (api_documents.c reads
 * and uploads, api_document_changes.c changes): the file a document
 * belongs to with the caller's roles on it, the access check with the
 * organization's markings, loading a document.
 */
#ifndef VETD_API_DOCUMENTS_H
#define VETD_API_DOCUMENTS_H

#include <jansson.h>

#include "api.h"
#include "config.h"
#include "document.h"

/* The file a document belongs to and the caller's roles on it. */
struct api_doc_owner {
	const char	*kind;		/* "case", "appeal" */
	long long	 id;
	long long	 person_id;	/* 0 when unknown */
	long long	 case_id;	/* the case (for an appeal, its own) */
	unsigned	 roles;
	int		 applicant;	/* the caller is its subject */
	char		 site[64];
	char		 target[48];
	int		 named;		/* named in the incident: never sees it */
	char		 hidden[300];	/* an uploader the caller may not know
					 * (a confidential reporter), or "" */
};

/* The caller's organization's configuration, or NULL having answered 503. */
const struct config_org *api_documents_org(struct api_ctx *);
/*
 * Load document {param} of the caller's organization into d and its file
 * into o (roles set, nothing refused yet). 0, or -1 having answered 404 /
 * 503. target gets "document:<id>".
 */
int	api_documents_load(struct api_ctx *, const char *param,
	    struct document *d, struct api_doc_owner *o, char *target,
	    size_t tlen);
/*
 * The access check for act on document d (NULL: one about to be uploaded
 * with marking rank) of file o: 0 when allowed, or -1 having answered and
 * audited the refusal.
 */
int	api_documents_allow(struct api_ctx *, enum access_action,
	    const struct config_org *, const struct api_doc_owner *o,
	    const struct document *d, int rank, const char *target);
/* Does d need a second person for each release (or is its marking not on
 * the scale)? */
int	api_documents_two_person(const struct config_org *,
	    const struct document *);
/* d's metadata as the caller may see it (a confidential reporter's name
 * left out), new reference or NULL. */
json_t	*api_documents_shown(struct api_ctx *, const struct config_org *,
	    const struct api_doc_owner *, const struct document *);
/* Set obj's member key to null when it names o's hidden reporter (as a
 * username or "user:<name>"). */
void	api_documents_hide(const struct api_doc_owner *o, json_t *obj,
	    const char *key);
/* {document, marking} for the audit trail (caller decrefs). */
json_t	*api_documents_detail(const struct document *);

#endif
