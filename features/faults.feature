@e2e @faults
Feature: Faults in the world outside the agents
  The mail server answers with transient and permanent SMTP errors, drops the connection in
  the ambiguous window after DATA, restarts its IMAP side; the git remote disappears for both
  agents. Every fault is handed out by the fakes or the harness, never patched into an agent,
  and every check reads the world: the SMTP server's record, the owner's Sent folder, the
  remote.

  Background:
    Given a Platinum world on the processes backend

  Scenario: A transient SMTP failure at DATA is retried behind a new intent and sent once
    Given the SMTP server answers 451 to the next DATA
    When the customer mail "q4" arrives
    And the human approves the reply to "q4"
    Then exactly one message reaches the SMTP server
    And the owner's Sent folder holds exactly one reply to "q4"
    And the reply to "q4" went out on attempt 2, behind 2 pushed intents

  Scenario: A connection dropped after DATA does not duplicate the reply
    Given the SMTP server drops the connection after the next DATA
    When the customer mail "q4" arrives
    And the human approves the reply to "q4"
    Then the approval for "q4" is filed in Done as executed
    And exactly one message reaches the SMTP server
    And the owner's Sent folder holds exactly one reply to "q4"

  Scenario: A permanent SMTP refusal fails the approval visibly and sends nothing
    Given the SMTP server refuses the next DATA with 550
    When the customer mail "q4" arrives
    And the human approves the reply to "q4"
    Then the approval for "q4" is filed in Done as failed
    And Dashboard.md on the remote carries an alert about "q4"
    And no reply to "q4" reaches the SMTP server
    And the owner's Sent folder holds no reply to "q4"

  Scenario: The mail watcher survives an IMAP restart without losing or duplicating mail
    When the customer mail "q4" arrives
    And the task for "q4" is on the remote
    And the IMAP server restarts
    And the customer "imap_b" writes about "Delivery dates after the restart"
    And the task for "imap_b" is on the remote
    And the IMAP server answers BYE to the next FETCH
    And the customer "imap_c" writes about "Invoice address during the FETCH fault"
    And the IMAP server restarts
    And the customer "imap_d" writes about "Training slots after the second restart"
    Then each of "q4, imap_b, imap_c, imap_d" has exactly one task on the remote
    And Cloud created each of "q4, imap_b, imap_c, imap_d" exactly once

  Scenario: Both agents keep working while the remote is unreachable and converge after
    When the customer mail "q4" arrives
    And the approval request for "q4" reaches the human
    And the remote becomes unreachable for both agents
    And the customer "offline_b" writes about "Support hours while the remote is away"
    And the human approves the reply to "q4" while the remote is unreachable
    Then Cloud holds the mail of "offline_b" in its offline queue
    And Local executed nothing while offline
    When the remote is reachable again for both agents
    Then the reply to "q4" reaches the SMTP server exactly once
    And Local pushed its intent for "q4" only after the remote returned
    When the human approves the reply to "offline_b"
    Then the reply to "offline_b" reaches the SMTP server exactly once
    And the remote holds one copy of every task
