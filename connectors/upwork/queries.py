"""The GraphQL documents the Upwork connector sends, in one place.

Upwork publishes no SDL or introspection dump (``shared/reference/specs.md`` §1.12). Operation
names, arguments and fields are taken from the TypeScript client ``muhammedaksam/upwork-node``,
generated from Upwork's HTML API reference (``src/generated/generated-types.ts`` and
``generated-operations.ts``, Jan 2026), and from ``shared/reference/connectors.md`` §1.1:

- ``organization { clientOffers(offerByClientFilter, pagination) }``: the client organization's
  contract offers as a Relay connection (``ContractOfferConnection``; "the maximum page size is
  50"); each node's ``contractDetails`` is the contract (``ContractDetails``).
- ``userDetails(id)``: a freelancer's PII (``PiiUser``: names, email, ``location``).
- ``contractByTerm(termId)``: a contract by its term id (the legacy assignment RID that
  ``transactionHistory`` rows name in ``relatedAssignment``).
- ``transactionHistory(transactionHistoryFilter: {aceIds_any, transactionDateTime_bt})`` and
  ``accountingEntity { id }``: the billing rows of an accounting entity, by date range.
- ``workDiaryCompany(workDiaryCompanyInput: {companyId, date: "yyyymmdd", paging})``: one day's
  work-diary snapshots of a company. The same query shape appears in a public Q&A thread about the
  API (https://offlinew.com/q/q/4098841810). The ``paging`` token format ("offset;count", the
  convention of Upwork's older REST API) is our assumption.
- ``pauseContract(contractId, message)`` / ``restartContract(contractId, message)`` →
  ``ContractActionResponse { success }``.

Argument names of nested connections (``offerByClientFilter``, ``pagination``) follow the
generated types, which list a field's arguments beside it; they are the least certain part and are
kept here so a correction is one edit.
"""

from __future__ import annotations

CONTRACT_FIELDS = """
          id title status kind deliveryModel createDate modifyDate startDate endDate
          freelancer { id rid name }
          clientOrganization { id name }
          clientTeam { id name }
          vendorOrganization { id name }
          metadata { agencyContract }
          hourlyLimits { weeklyLimit startDate endDate }
          terms {
            hourlyTerms { id hourlyRate { rawValue currency } startDate endDate }
            fixedPriceTerms { id fixedAmount { rawValue currency } startDate endDate }
          }
"""

CLIENT_CONTRACTS = (
    """
query ClientContracts($filter: OfferByClientFilter, $pagination: Pagination) {
  organization {
    clientOffers(offerByClientFilter: $filter, pagination: $pagination) {
      totalCount
      edges {
        cursor
        node {
          id state type title lastUpdatedDateTime
          freelancer { id name }
          contractDetails {"""
    + CONTRACT_FIELDS
    + """          }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
)
"""The client organization's contracts, 1 Relay page (``$filter`` narrows to freelancers for holds)."""

CONTRACTS_PATH = ("data", "organization", "clientOffers")

USER_DETAILS = """
query UserDetails($id: ID!) {
  userDetails(id: $id) {
    id nid rid name firstName lastName email publicUrl
    location { countryName cityName zip street stateCode timezone timezoneName offsetToUTC }
  }
}
"""

CONTRACT_BY_TERM = """
query ContractByTerm($termId: String!) {
  contractByTerm(termId: $termId) {
    id status
    freelancer { id }
  }
}
"""

CONTRACT_STATUS = """
query ContractStatus($id: ID!) {
  contractDetails(id: $id) { id status freelancer { id } }
}
"""

WHOAMI = """
query WhoAmI {
  organization { id name }
}
"""

ACCOUNTING_ENTITY = """
query AccountingEntity {
  accountingEntity { id }
}
"""

TRANSACTION_HISTORY = """
query TransactionHistory($filter: TransactionHistoryFilter) {
  transactionHistory(transactionHistoryFilter: $filter) {
    transactionDetail {
      transactionHistoryRow {
        recordId type accountingSubtype description descriptionUI
        relatedAssignment relatedInvoiceId transactionCreationDate transactionReviewDueDate fullyPaidDate
        paymentStatus paymentGuaranteed
        transactionAmount { rawValue currency }
        amountCreditedToUser { rawValue currency }
        assignmentTeamUserId
      }
    }
  }
}
"""

TRANSACTIONS_PATH = ("data", "transactionHistory", "transactionDetail", "transactionHistoryRow")

WORK_DIARY_COMPANY = """
query WorkDiaryCompany($input: WorkDiaryCompanyInput!) {
  workDiaryCompany(workDiaryCompanyInput: $input) {
    total
    snapshots {
      contract { id userId contractTitle }
      user { id name }
      duration durationInt
      time { trackedTime manualTime overtime firstWorked lastWorked firstWorkedInt lastWorkedInt }
      screenshots { activity hasScreenshot hasWebcam }
    }
  }
}
"""

WORK_DIARY_PATH = ("data", "workDiaryCompany", "snapshots")

PAUSE_CONTRACT = """
mutation PauseContract($contractId: ID!, $message: String) {
  pauseContract(contractId: $contractId, message: $message) { success }
}
"""

RESTART_CONTRACT = """
mutation RestartContract($contractId: ID!, $message: String) {
  restartContract(contractId: $contractId, message: $message) { success }
}
"""
