"""The vocabulary of ``HiringSignal.signal``: what HR, ATS, IDV, EDR and payment teams can report.

Interview and onboarding observations, security findings that only people see (an extortion
e-mail, a deepfake on a call) and declarations (travel, households) come in as hiring signals with
one of these names. Indicators name the signals that fire them (``signals``) and the ones that
clear earlier observations (``cleared_by``: a later liveness retest that passed, a verified legal
name change) in their YAML parameters; the catalogue check refuses a name that is not listed
here, so a typo cannot silently switch an indicator off.

Sources may send other names (``reference_checked``…): they are stored and shown, and used by no
indicator. Names are compared after the model's normalisation (lower case, ``_`` for spaces and
hyphens).
"""

from __future__ import annotations

SIGNALS: dict[str, str] = {
    # identity and profile
    "photo_stock": "profile or ID photo is a stock image",
    "photo_ai_generated": "photo judged AI-generated or AI-edited by a photo check",
    "photo_reused_online": "reverse image search found the photo under other names",
    "photo_retouched": "ordinary retouching noted by a photo check (used by no indicator)",
    "idv_failed": "identity-document verification failed a forensic check",
    "document_forged": "forgery artefacts on the identity document",
    "document_photo_replaced": "the photo on the identity document was replaced",
    "idv_poor_image": "IDV asked for a new image because the scan was poor (used by no indicator)",
    "idv_passed": "identity-document verification passed (clears earlier failures)",
    "employer_unverifiable": "a prior employer could not be confirmed through independently found contacts",
    "reference_unverifiable": "references could not be confirmed through independently found contacts",
    "employer_domain_suspicious": "a prior employer's domain is new, defunct or a look-alike",
    "employer_verified": "prior employment confirmed another way (clears)",
    "resume_pattern": "recruiter noted the pattern: one famous employer, lesser-known others, no gaps",
    "github_copied_repos": "the candidate's public repositories are copies of others' work",
    "github_follower_ring": "the candidate's code-hosting account sits in a follower ring",
    "github_account_younger_than_commits": "the code-hosting account is younger than its commits",
    "identity_dispute": "the identity's real owner disputes the job",
    "tax_form_dispute": "a W-2/1099 was disputed for work never done",
    "ssn_mismatch": "tax or social-security authority reports a name/number mismatch",
    "identity_theft_report": "an identity-theft report names this identity",
    "identity_dispute_resolved": "investigated: a clerical error, not a stolen identity (clears)",
    "i9_third_party": "I-9 or document inspection done by an unrelated third party or company",
    "everify_nonconfirmation": "E-Verify tentative or final non-confirmation",
    "authorized_representative_verified": "the I-9 representative was verified as authorised (clears)",
    "persona_switch": "asked to continue under another account or name after a shutdown",
    "account_transfer_request": "asked to move the work or payments to another account",
    "login_as_other_identity": "signed in as another identity",
    "legal_name_change_verified": "a legal name change was documented (clears)",
    # interview
    "camera_refused": "would not or could not go on camera",
    "camera_inconsistent": "on camera, time, place or appearance did not fit",
    "accommodation_approved": "a disability accommodation explains the camera or in-person limits (clears)",
    "video_interview_completed": "a video interview with the document matched on screen took place (clears)",
    "inperson_avoided": "repeated excuses to avoid an in-person meeting",
    "drug_test_avoided": "undue concern about or avoidance of a drug test",
    "inperson_completed": "an in-person meeting took place (clears)",
    "inperson_exemption_verified": "a genuine travel or health limit was verified (clears)",
    "scripted_answers": "stalling, reading, plausible but wrong answers",
    "coding_test_cheating": "coding-test telemetry shows cheating",
    "liveness_failed": "failed a liveness request (hand wave, camera out of the window)",
    "deepfake_suspected": "signs of a deepfake or face swap on a call",
    "voice_changer_suspected": "signs of a voice changer on a call",
    "liveness_passed": "a later liveness check passed (clears)",
    "person_swap": "the person at onboarding or in meetings is not the one interviewed",
    "location_knowledge_failed": "could not answer soft questions about the claimed location",
    "move_declared": "the worker declared a recent move (clears location-knowledge observations)",
    "off_platform_request": "asked to move communication off the platform",
    # devices, data and behaviour
    "device_reshipped": "the asset or shipping system recorded the company device being re-shipped",
    "malware_day1": "malware found on the company device",
    "edr_tampering": "endpoint protection disabled or tampered with",
    "history_tampering": "session or shell history cleared or tampered with",
    "unauthorized_software": "unauthorised software installed",
    "edr_alert_dismissed": "the endpoint alert was reviewed and dismissed as a false detection (clears)",
    "data_exfiltration": "company data copied to personal storage",
    "repo_to_personal": "company repositories pushed to a personal account",
    "bulk_download": "bulk pull from Git, SharePoint or OneDrive",
    "credential_harvesting": "credentials or session cookies harvested",
    "session_from_personal_device": "work session started from a non-company device",
    "exfil_reviewed_benign": "the data movement was reviewed and approved (clears)",
    "low_engagement": "minimal output, little contact with the supervisor",
    "quality_swings": "swings in quality that suggest several people share one seat",
    "supervisor_no_contact": "avoids contact with the supervisor",
    "extortion_threat": "threatened to publish code or data, or made demands",
    "code_leak_threat": "threatened to leak source code after a refusal or termination",
    "payment_dispute": "an ordinary dispute over an invoice, no threat (used by no indicator)",
    "ats_actor_infra": "ATS or career-site activity from known actor infrastructure",
    "ats_applicant_pattern": "one of many applicant accounts with one repeating pattern",
    "external_chat_risky_ip": "external chat messages from risky IPs",
    "offer_signing_suspicious": "the offer was signed in a suspicious way (IP, device, timing)",
    "ats_activity_explained": "the ATS activity was explained (scraper, job aggregator) (clears)",
    # payments
    "unearned_pay_request": "asked to be paid without meeting milestones",
    "unauthorized_charges": "small unauthorised charges on company payment accounts",
    "payout_onward_routing": "the payment provider saw pay routed onward through intermediary companies",
    # declarations (read by qualifiers)
    "travel_declared": "declared travel: country, valid_from, valid_until",
    "household_declared": "declared household member: related_worker_remote_id",
    # neutral observations seen in exports (used by no indicator)
    "reference_checked": "references confirmed by phone",
    "background_check_clear": "background check returned clear",
}
"""Every signal name an indicator may name, with what it means."""

SIGNAL_PARAMETERS = ("signals", "cleared_by")
"""Indicator parameters whose values are signal names (checked against :data:`SIGNALS`)."""
