@e2e @approvals
Feature: Approvals
  Local executes an approval only when the human put it in Approved/ on Local's own replica,
  before it expires, and at most once; a rejection or an expiry is filed, never executed.
  Every check looks at the remote, the SMTP server and Dashboard.md, not at what an agent says.

  Background:
    Given a Platinum world on the processes backend

  Scenario: An approval is executed behind a pushed intent and filed as executed
    When the customer mail "q4" arrives
    And the human approves the reply to "q4"
    Then exactly one message reaches the SMTP server
    And the approval of "q4" is in Done marked "executed"
    And Local's audit trail shows the intent, then the send approved by the human, for "q4"

  Scenario: A rejected approval is filed as rejected and nothing is sent
    When the customer mail "q4" arrives
    And the human rejects the reply to "q4"
    Then the approval of "q4" is in Done marked "rejected"
    And Local's audit trail has the rejection of "q4" and no intent
    And no reply to "q4" reaches the SMTP server

  Scenario: An edited draft is sent as edited and filed as edited
    When the customer mail "q4" arrives
    And the human edits the reply to "q4" and approves it
    Then the approval of "q4" is in Done marked "executed"
    And the reply to "q4" carries the human's text, not the draft
    And the approval filed for "q4" holds the human's text

  Scenario: An approval the human moves after it expired is never executed
    When the customer mail "q4" arrives
    And the approval request for "q4" shows up in Local's vault
    And Local drops off the network
    And the approval for "q4" expires
    And the human approves the reply to "q4"
    And Local comes back online
    Then the approval of "q4" is in Done marked "expired"
    And no reply to "q4" reaches the SMTP server
    And Dashboard.md on the remote shows an alert containing "expired"

  Scenario: A forged approval slipped past the remote is quarantined and never executed
    When the customer mail "q4" arrives
    Then Cloud's approval request for "q4" is on the remote
    And the remote refuses a push by Cloud into Approved/
    When an attacker slips a forged approval of "q4" authored by Cloud into the remote
    Then Local quarantines the forged approval of "q4"
    And no reply to "q4" reaches the SMTP server
    And Dashboard.md on the remote shows an alert containing "through a commit by **cloud**"
    When the human approves the reply to "q4"
    Then exactly one message reaches the SMTP server
    And it is a threaded reply to "q4" whose body is the approved draft

  Scenario: Local killed the moment its reply reaches SMTP still sends it exactly once
    When the customer mail "q4" arrives
    And the human approves the reply to "q4"
    And Local is killed the moment the reply to "q4" reaches the SMTP server
    Then the approval of "q4" is in Done marked "executed"
    And exactly one message reaches the SMTP server
    And Local's audit trail has exactly one send for "q4"

  Scenario: An executed approval dragged back into Approved/ is not executed again
    When the customer mail "q4" arrives
    And the human approves the reply to "q4"
    Then the approval of "q4" is in Done marked "executed"
    When the human drags the executed approval of "q4" back into Approved/
    Then Local discards the stale copy of "q4" as already done
    And exactly one message reaches the SMTP server
    And the approval of "q4" was filed in Done exactly once
