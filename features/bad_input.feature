@e2e @bad_input
Feature: Hostile mail never breaks the Cloud agent
  Mail is untrusted input. Each hostile message of the catalogue (harness/hostile.py) is
  delivered as raw bytes to the owner's mailbox. Cloud either quarantines it (the raw bytes
  kept in its private state, an audit entry and an alert on the remote) or turns it into an
  ordinary task whose frontmatter holds only the task's own keys, within bounded time and
  memory; it keeps running, and mail that arrives afterwards is still drafted.

  Background:
    Given a Platinum world on the processes backend

  Scenario: Every hostile mail is quarantined or handled and nothing else is lost
    Given the Cloud agent's pid is noted
    When these hostile mails arrive:
      | case                    | outcome    |
      | crlf_subject            | task       |
      | encoded_newline_subject | task       |
      | frontmatter_subject     | task       |
      | traversal_attachment    | task       |
      | huge_body               | task       |
      | deep_mime               | quarantine |
      | non_utf8_headers        | task       |
      | many_recipients         | quarantine |
    Then each hostile mail reaches the remote as its outcome within 60 seconds
    And each quarantined mail is audited, alerted and kept only in Cloud's private quarantine
    And no quarantined mail's bytes reach any object of the remote
    And each handled mail became a task with exactly the task's frontmatter keys
    And no attachment name became a path in the vault
    And the Cloud agent is the same process, healthy, and its peak memory stayed under 512 MB
    When the customer mail "q4" arrives
    Then the approval request for "q4" reaches the remote
